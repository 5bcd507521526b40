import { CallAction } from '../call-flow/call-actions';

/** One action in the generic webhook's JSON (docs/generic-webhook.md), as the gateway executes it. */
export type GenericAction = Record<string, unknown> & { type: string };

/**
 * The neutral call actions in the generic webhook's JSON vocabulary: the same shapes as the synchronous
 * `actions` reply (`say`, `gather`, `enqueue`), plus `pause`, `connect` and `hangup`.
 */
export function renderGenericActions(actions: CallAction[]): GenericAction[] {
  return actions.map((action): GenericAction => {
    switch (action.type) {
      case 'say':
        return { type: 'say', text: action.text, language: action.language };
      case 'gather':
        return {
          type: 'gather',
          language: action.language,
          ...(action.prompt ? { prompt: action.prompt.text } : {}),
          input: action.input,
          // A question of the voice message flow: the gateway posts the answer as `call.input` with it.
          ...(action.field ? { field: action.field } : {}),
          ...(action.input.includes('dtmf') ? { maxDigits: action.numDigits } : {}),
          ...(action.finishOnKey ? { finishOnKey: action.finishOnKey } : {}),
          timeoutSeconds: action.timeoutSeconds,
        };
      case 'enqueue':
        return { type: 'enqueue', queue: action.queue };
      case 'pause':
        return { type: 'pause', seconds: action.seconds };
      case 'connect':
        return {
          type: 'connect',
          contactId: action.contactId,
          endpoint: action.endpoint,
          timeoutSeconds: action.timeoutSeconds,
        };
      case 'transfer':
        return { type: 'transfer', number: action.number, timeoutSeconds: action.timeoutSeconds };
      case 'hangup':
        return { type: 'hangup' };
    }
  });
}
