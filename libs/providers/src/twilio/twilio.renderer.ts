import twilio from 'twilio';
import type VoiceResponse from 'twilio/lib/twiml/VoiceResponse';
import { CallAction, CallStep, reportUrl, SayAction } from '../call-flow/call-actions';
import { localeOf } from '../call-flow/locales';

type SayLanguage = NonNullable<VoiceResponse.SayAttributes['language']>;
type GatherLanguage = NonNullable<VoiceResponse.GatherAttributes['language']>;

/** Renders the neutral call actions as TwiML with the official `twilio.twiml.VoiceResponse`. */
export class TwilioRenderer {
  constructor(private readonly urlFor: (step: CallStep) => string) {}

  render(actions: CallAction[]): string {
    const response = new twilio.twiml.VoiceResponse();
    for (const action of actions) this.append(response, action);
    return response.toString();
  }

  private append(response: VoiceResponse, action: CallAction): void {
    switch (action.type) {
      case 'say':
        this.say(response, action);
        return;
      case 'gather': {
        const gather = response.gather({
          input: action.input,
          action: reportUrl(this.urlFor(action.next), action),
          method: 'POST',
          numDigits: action.input.includes('dtmf') ? action.numDigits : undefined,
          finishOnKey: action.finishOnKey,
          timeout: action.timeoutSeconds,
          speechTimeout: 'auto',
          language: localeOf(action.language) as GatherLanguage,
          hints: action.hints.join(', ') || undefined,
          actionOnEmptyResult: true,
        });
        if (action.prompt)
          gather.say({ language: localeOf(action.prompt.language) as SayLanguage }, action.prompt.text);
        return;
      }
      case 'enqueue':
        response.enqueue(
          {
            waitUrl: this.urlFor(action.wait),
            waitUrlMethod: 'POST',
            action: this.urlFor(action.next),
            method: 'POST',
          },
          action.queue,
        );
        return;
      case 'pause':
        response.pause({ length: action.seconds });
        return;
      case 'connect': {
        const dial = response.dial({
          action: this.urlFor(action.next),
          method: 'POST',
          timeout: action.timeoutSeconds,
        });
        const endpoint = action.endpoint;
        if (endpoint.kind === 'client') dial.client(endpoint.identity);
        else if (endpoint.kind === 'sip') dial.sip(endpoint.uri);
        else dial.number(endpoint.number);
        return;
      }
      case 'transfer':
        response
          .dial({ action: this.urlFor(action.next), method: 'POST', timeout: action.timeoutSeconds })
          .number(action.number);
        return;
      case 'hangup':
        response.hangup();
        return;
    }
  }

  private say(response: VoiceResponse, action: SayAction): void {
    response.say({ language: localeOf(action.language) as SayLanguage }, action.text);
  }
}
