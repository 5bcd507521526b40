/**
 * How the end of a callback's outbound Telnyx call reads (docs/providers/telnyx.md, "Callbacks"), pure:
 * no I/O.
 */

/**
 * The status CallbackService reads (`completed`, or one that did not reach the customer: `busy`,
 * `no-answer`, `canceled`, `failed`) from the `hangup_cause` of the outbound call's `call.hangup`.
 * `answered`: centralino saw this attempt answered (the contact is connected by it). A call that ends
 * "normally" without that answer is counted as not reached (`no-answer`) rather than as a conversation
 * that never happened: a late `call.answered` then changes nothing, and the customer is called again.
 */
export function telnyxCallbackStatus(hangupCause: string | undefined, answered: boolean): string {
  if (answered) return 'completed';
  switch (hangupCause) {
    case 'user_busy':
      return 'busy';
    case 'timeout':
    case 'no_answer':
    case 'normal_clearing':
    case 'time_limit':
      return 'no-answer';
    case 'originator_cancel':
      return 'canceled';
    default:
      // call_rejected, not_found, unspecified, or a cause Telnyx adds later.
      return 'failed';
  }
}
