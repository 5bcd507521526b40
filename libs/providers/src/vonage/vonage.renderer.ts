import { CallAction, CallStep, OperatorEndpoint, reportUrl } from '../call-flow/call-actions';
import { localeOf } from '../call-flow/locales';

/** The longest `input` dtmf `timeOut` Vonage accepts (NCCO reference: 0-10 s). */
export const VONAGE_MAX_DTMF_TIMEOUT_SECONDS = 10;

/** One NCCO action (https://developer.vonage.com/en/voice/voice-api/ncco-reference). */
export type NccoAction = Record<string, unknown> & { action: string };

/**
 * Renders the neutral call actions as an NCCO. The holding room is a `conversation` of its own per caller
 * (named after the contact), where the caller waits until the operator connect transfers the call out;
 * when the callback key is offered, it is the key loop instead (`enqueue.keyLoop`).
 */
export class VonageRenderer {
  constructor(private readonly urlFor: (step: CallStep) => string) {}

  render(actions: CallAction[]): NccoAction[] {
    return actions.flatMap((action) => this.toNcco(action));
  }

  private toNcco(action: CallAction): NccoAction[] {
    switch (action.type) {
      case 'say':
        return [{ action: 'talk', text: action.text, language: localeOf(action.language) }];
      case 'gather':
        return [
          ...(action.prompt
            ? [
                {
                  action: 'talk',
                  text: action.prompt.text,
                  language: localeOf(action.prompt.language),
                  bargeIn: true,
                },
              ]
            : []),
          {
            action: 'input',
            type: action.input,
            ...(action.input.includes('dtmf')
              ? {
                  dtmf: {
                    maxDigits: action.numDigits,
                    // Vonage waits at most 10 s for a key (the hold loop's round asks for 15).
                    timeOut: Math.min(action.timeoutSeconds, VONAGE_MAX_DTMF_TIMEOUT_SECONDS),
                    ...(action.finishOnKey === '#' ? { submitOnHash: true } : {}),
                  },
                }
              : {}),
            ...(action.input.includes('speech')
              ? {
                  speech: {
                    language: localeOf(action.language),
                    context: action.hints,
                    endOnSilence: 1.5,
                    startTimeout: action.timeoutSeconds,
                    // A message is longer than a menu answer: up to a minute of speech.
                    ...(action.field === 'text' ? { maxDuration: 60 } : {}),
                  },
                }
              : {}),
            eventUrl: [reportUrl(this.urlFor(action.next), action)],
            eventMethod: 'POST',
          },
        ];
      case 'enqueue':
        // A conversation takes no key: when the callback key is offered, the caller holds in its loop
        // (talk and input, whose report answers the next round) instead.
        if (action.keyLoop) return this.toNcco(action.keyLoop);
        return [{ action: 'conversation', name: `centralino-${action.contactId}`, startOnEnter: false }];
      case 'pause':
        return [{ action: 'talk', text: `<speak><break time="${action.seconds}s"/></speak>` }];
      case 'connect':
        return [
          {
            action: 'connect',
            endpoint: [VonageRenderer.endpoint(action.endpoint)],
            timeout: action.timeoutSeconds,
            eventUrl: [this.urlFor(action.next)],
            eventMethod: 'POST',
          },
        ];
      case 'transfer':
        return [
          {
            action: 'connect',
            endpoint: [VonageRenderer.endpoint({ kind: 'phone', number: action.number })],
            timeout: action.timeoutSeconds,
            eventUrl: [this.urlFor(action.next)],
            eventMethod: 'POST',
          },
        ];
      case 'hangup':
        return []; // a call ends when its NCCO does
    }
  }

  static endpoint(endpoint: OperatorEndpoint): Record<string, string> {
    switch (endpoint.kind) {
      case 'client':
        return { type: 'app', user: endpoint.identity };
      case 'sip':
        return { type: 'sip', uri: endpoint.uri };
      case 'phone':
        return { type: 'phone', number: endpoint.number.replace(/^\+/, '') };
    }
  }
}
