import { CallAction, MESSAGE_FIELDS, MessageField, OperatorEndpoint } from '../call-flow/call-actions';
import { localeOf } from '../call-flow/locales';

/** One Call Control command: `POST {base}/calls/{call_control_id}/actions/{action}`. */
export interface TelnyxCommand {
  action: string;
  body: Record<string, unknown>;
}

/**
 * What a command's `client_state` says beyond the contact: which answer of the voice message flow a
 * question collects, which clarifying question of triage is asked (`clarify-2`, `clarify-3`...), or that
 * the call is to be hung up once the speech ends.
 */
export type TelnyxStep = MessageField | 'hangup' | `clarify-${number}` | 'hold' | `outbound-${number}`;

/** A decoded `client_state`: the contact, and the step its command was part of. */
export interface TelnyxClientState {
  contactId: string;
  field?: MessageField;
  hangup?: true;
  /** The clarifying question (2+) whose answer this event carries. */
  attempt?: number;
  /** A round of the hold loop that offers the callback key. */
  hold?: true;
  /** A callback's outbound call: which attempt (1+) it is. */
  outboundAttempt?: number;
}

/**
 * `client_state` (base64, as Telnyx requires) carries the contact id on every command and event, and a
 * step when there is one (`<contactId>:<step>`), since Telnyx reports everything to the same webhook.
 */
export function encodeClientState(contactId: string, step?: TelnyxStep): string {
  return Buffer.from(step ? `${contactId}:${step}` : contactId, 'utf8').toString('base64');
}

export function decodeClientState(clientState: string | null | undefined): TelnyxClientState | null {
  if (!clientState) return null;
  const [contactId, step] = Buffer.from(clientState, 'base64').toString('utf8').split(':');
  if (!contactId) return null;
  if (step === 'hangup') return { contactId, hangup: true };
  if (step === 'hold') return { contactId, hold: true };
  const clarify = /^clarify-(\d+)$/.exec(step ?? '');
  if (clarify) return { contactId, attempt: Number(clarify[1]) };
  const outbound = /^outbound-(\d+)$/.exec(step ?? '');
  if (outbound) return { contactId, outboundAttempt: Number(outbound[1]) };
  return MESSAGE_FIELDS.includes(step as MessageField)
    ? { contactId, field: step as MessageField }
    : { contactId };
}

/** Turns the neutral call actions into Call Control commands (what TwiML and NCCO are to the others). */
export class TelnyxRenderer {
  /**
   * The commands for a list of neutral actions, `client_state` naming `contactId` (none before the call
   * has a contact: the menu). Telnyx gathers digits only (`gather_using_speak`); speech is heard by
   * real-time transcription (`transcription_start`, final results only), which the webhook stops once it
   * has an answer.
   */
  render(given: CallAction[], contactId: string | undefined): TelnyxCommand[] {
    const state = (step?: TelnyxStep) =>
      contactId ? { client_state: encodeClientState(contactId, step) } : {};
    // The hold loop that offers the callback key runs on the call once it is parked in its queue.
    const actions = given.flatMap((action): CallAction[] =>
      action.type === 'enqueue' && action.keyLoop
        ? [{ ...action, keyLoop: undefined }, action.keyLoop]
        : [action],
    );
    return actions.flatMap((action, index): TelnyxCommand[] => {
      switch (action.type) {
        case 'say': {
          // A hang-up right after would cut the speech off: the webhook hangs up on `call.speak.ended`.
          const last = actions[index + 1]?.type === 'hangup' && contactId;
          return [TelnyxRenderer.speak(action.text, action.language, state(last ? 'hangup' : undefined))];
        }
        case 'gather': {
          const language = action.prompt?.language ?? action.language;
          // A clarifying question's answer must be told from the menu's: its step says which it is.
          const attempt = action.attempt ?? 1;
          const step: TelnyxStep | undefined =
            action.next === 'callback'
              ? 'hold'
              : (action.field ?? (attempt > 1 ? `clarify-${attempt}` : undefined));
          const commands: TelnyxCommand[] = [];
          if (action.input.includes('dtmf')) {
            commands.push({
              action: 'gather_using_speak',
              body: {
                payload: action.prompt?.text ?? '',
                language: localeOf(language),
                voice: 'female',
                minimum_digits: 1,
                maximum_digits: action.numDigits,
                ...(action.finishOnKey ? { terminating_digit: action.finishOnKey } : {}),
                timeout_millis: action.timeoutSeconds * 1000,
                ...state(step),
              },
            });
          } else if (action.prompt) {
            commands.push(TelnyxRenderer.speak(action.prompt.text, language, state(step)));
          }
          if (action.input.includes('speech')) {
            commands.push({
              action: 'transcription_start',
              body: {
                transcription_engine: 'Google',
                transcription_engine_config: { language: action.language, interim_results: false },
                transcription_tracks: 'inbound',
                ...state(step),
              },
            });
          }
          return commands;
        }
        case 'enqueue':
          return [{ action: 'enqueue', body: { queue_name: action.queue, ...state() } }];
        case 'connect':
          return [
            {
              action: 'transfer',
              body: {
                to: TelnyxRenderer.destination(action.endpoint),
                timeout_secs: action.timeoutSeconds,
                ...state(),
              },
            },
          ];
        case 'transfer':
          return [
            {
              action: 'transfer',
              body: { to: action.number, timeout_secs: action.timeoutSeconds, ...state() },
            },
          ];
        case 'hangup':
          if (index > 0 && actions[index - 1]!.type === 'say' && contactId) return [];
          return [{ action: 'hangup', body: { ...state() } }];
        case 'pause':
          return [];
      }
    });
  }

  private static speak(text: string, language: string, state: object): TelnyxCommand {
    return {
      action: 'speak',
      body: { payload: text, language: localeOf(language), voice: 'female', ...state },
    };
  }

  static destination(endpoint: OperatorEndpoint): string {
    switch (endpoint.kind) {
      case 'client':
        return `sip:${endpoint.identity}@sip.telnyx.com`;
      case 'sip':
        return endpoint.uri;
      case 'phone':
        return endpoint.number;
    }
  }
}
