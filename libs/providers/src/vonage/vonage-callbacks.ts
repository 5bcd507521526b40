/**
 * How Vonage's numbers and call statuses read for callbacks (docs/providers/vonage.md, "Callbacks"),
 * pure: no I/O.
 */

/**
 * The caller id of a Vonage call as a callback dials it: Vonage gives E.164 numbers without the `+`
 * (`393331234567`), so digits alone get it back. Anything else (a withheld caller: `Unknown` or empty;
 * a SIP URI or an app user) is returned as it came, and the callback policy refuses it.
 */
export function vonageCallerNumber(from: string | null | undefined): string | null {
  if (typeof from !== 'string') return null;
  const trimmed = from.trim();
  return /^[1-9][0-9]{6,14}$/.test(trimmed) ? `+${trimmed}` : trimmed;
}

/**
 * The status of a callback's outbound call in the words CallbackService reads (`answered`,
 * `completed`, or a status that did not reach the customer: `busy`, `no-answer`, `failed`, `canceled`),
 * from the event Vonage posts to the call's event_url. Null: a status that changes nothing (`started`,
 * `ringing`, machine detection...).
 */
export function vonageCallbackStatus(status: string): string | null {
  switch (status) {
    case 'answered':
      return 'answered';
    case 'completed':
      return 'completed';
    case 'busy':
      return 'busy';
    // Rang for ringing_timer without an answer; or the carrier reported no answer.
    case 'timeout':
    case 'unanswered':
      return 'no-answer';
    // Refused by the customer's network or phone, or not placed at all.
    case 'rejected':
    case 'failed':
      return 'failed';
    case 'cancelled':
      return 'canceled';
    default:
      return null;
  }
}
