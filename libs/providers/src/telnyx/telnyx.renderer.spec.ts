import { CallAction } from '../call-flow/call-actions';
import { decodeClientState, encodeClientState, TelnyxRenderer } from './telnyx.renderer';

const CONTACT = '0b6f1c8e-7a52-4e0c-9d7e-3f1a2b4c5d6e';

describe('TelnyxRenderer', () => {
  const renderer = new TelnyxRenderer();

  it('round-trips client_state: the contact alone, a message field, or hang up after speaking', () => {
    expect(decodeClientState(encodeClientState(CONTACT))).toEqual({ contactId: CONTACT });
    expect(decodeClientState(encodeClientState(CONTACT, 'callback'))).toEqual({
      contactId: CONTACT,
      field: 'callback',
    });
    expect(decodeClientState(encodeClientState(CONTACT, 'hangup'))).toEqual({
      contactId: CONTACT,
      hangup: true,
    });
    expect(decodeClientState(encodeClientState(CONTACT, 'hold'))).toEqual({ contactId: CONTACT, hold: true });
    expect(decodeClientState(encodeClientState(CONTACT, 'outbound-2'))).toEqual({
      contactId: CONTACT,
      outboundAttempt: 2,
    });
    expect(decodeClientState(Buffer.from(`${CONTACT}:other`).toString('base64'))).toEqual({
      contactId: CONTACT,
    });
    expect(decodeClientState(null)).toBeNull();
  });

  it('tags a clarifying question (attempt 2+) with its step, so its answer is told from the menu', () => {
    const question: CallAction = {
      type: 'gather',
      input: ['dtmf', 'speech'],
      numDigits: 1,
      timeoutSeconds: 6,
      language: 'es',
      hints: [],
      prompt: { type: 'say', text: '¿Facturación o soporte?', language: 'es' },
      next: 'gathered',
      attempt: 3,
    };
    const commands = renderer.render([question], CONTACT);
    expect(commands.map((command) => command.action)).toEqual(['gather_using_speak', 'transcription_start']);
    for (const command of commands) {
      expect(decodeClientState(command.body.client_state as string)).toEqual({
        contactId: CONTACT,
        attempt: 3,
      });
    }
    // The menu (attempt 1) carries the contact alone.
    const menu = renderer.render([{ ...question, attempt: 1 }], CONTACT);
    expect(decodeClientState(menu[0]!.body.client_state as string)).toEqual({ contactId: CONTACT });
  });

  it('hears speech by transcription and digits by gather_using_speak, each tagged with its field', () => {
    const actions: CallAction[] = [
      {
        type: 'gather',
        input: ['speech'],
        numDigits: 1,
        timeoutSeconds: 6,
        language: 'it',
        hints: [],
        prompt: { type: 'say', text: 'Il suo nome?', language: 'it' },
        next: 'message',
        field: 'name',
      },
      {
        type: 'gather',
        input: ['dtmf'],
        numDigits: 20,
        finishOnKey: '#',
        timeoutSeconds: 6,
        language: 'it',
        hints: [],
        prompt: { type: 'say', text: 'Il numero?', language: 'it' },
        next: 'message',
        field: 'callback',
      },
    ];
    const commands = renderer.render(actions, CONTACT);
    expect(commands.map((command) => command.action)).toEqual([
      'speak',
      'transcription_start',
      'gather_using_speak',
    ]);
    expect(decodeClientState(commands[1]!.body.client_state as string)).toEqual({
      contactId: CONTACT,
      field: 'name',
    });
    expect(commands[2]!.body).toMatchObject({
      maximum_digits: 20,
      terminating_digit: '#',
      language: 'it-IT',
    });
    expect(decodeClientState(commands[2]!.body.client_state as string)).toEqual({
      contactId: CONTACT,
      field: 'callback',
    });
  });

  it('does not cut the last words off: a hang-up after speech waits for call.speak.ended', () => {
    const goodbye: CallAction[] = [{ type: 'say', text: 'Arrivederci.', language: 'it' }, { type: 'hangup' }];
    const commands = renderer.render(goodbye, CONTACT);
    expect(commands.map((command) => command.action)).toEqual(['speak']);
    expect(decodeClientState(commands[0]!.body.client_state as string)).toEqual({
      contactId: CONTACT,
      hangup: true,
    });
    // Without a contact there is no state to carry the hang-up: it is sent as is.
    expect(renderer.render(goodbye, undefined).map((command) => command.action)).toEqual(['speak', 'hangup']);
  });

  it('runs the callback key loop on the call once it is parked in its queue, tagged `hold`', () => {
    const keyLoop: CallAction = {
      type: 'gather',
      input: ['dtmf'],
      numDigits: 1,
      timeoutSeconds: 15,
      language: 'it',
      hints: [],
      prompt: { type: 'say', text: 'Lei è il primo in attesa. Se preferisce … prema 9.', language: 'it' },
      next: 'callback',
    };
    const commands = renderer.render(
      [
        { type: 'say', text: 'Grazie, attenda in linea.', language: 'it' },
        {
          type: 'enqueue',
          queue: 'billing',
          contactId: CONTACT,
          wait: 'wait',
          next: 'queue-result',
          keyLoop,
        },
      ],
      CONTACT,
    );
    expect(commands.map((command) => command.action)).toEqual(['speak', 'enqueue', 'gather_using_speak']);
    expect(commands[1]!.body).toEqual({ queue_name: 'billing', client_state: encodeClientState(CONTACT) });
    expect(commands[2]!.body).toMatchObject({
      payload: keyLoop.prompt!.text,
      maximum_digits: 1,
      timeout_millis: 15_000,
      client_state: encodeClientState(CONTACT, 'hold'),
    });
  });

  it('transfers to a number and to an operator endpoint', () => {
    const commands = renderer.render(
      [
        {
          type: 'transfer',
          number: '+390211112222',
          contactId: CONTACT,
          timeoutSeconds: 30,
          next: 'dial-result',
        },
        {
          type: 'connect',
          endpoint: { kind: 'client', identity: 'anna' },
          contactId: CONTACT,
          timeoutSeconds: 30,
          next: 'dial-result',
        },
      ],
      CONTACT,
    );
    expect(commands.map((command) => command.body.to)).toEqual(['+390211112222', 'sip:anna@sip.telnyx.com']);
  });
});
