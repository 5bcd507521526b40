import { generateKeyPairSync, randomBytes, randomUUID } from 'node:crypto';
import { ContactRepository } from '@centralino/persistence';
import { getContact } from '../support/contacts-api';
import { writeFixtureConfig } from '../support/fixture-config';
import { callEnded, callStarted } from '../support/calls';
import { OperatorClient } from '../support/operator-client';
import { TelnyxClient } from '../support/telnyx-client';
import { startTestService, TestService } from '../support/test-service';
import { TwilioClient, TwimlReply } from '../support/twilio-client';
import { VonageClient } from '../support/vonage-client';
import { postGenericWebhook } from '../support/webhook-client';
import { RestStub } from './rest-stub';

const PUBLIC_BASE_URL = 'https://centralino.example.com';
const TWILIO_TOKEN = randomBytes(16).toString('hex');
const VONAGE_SECRET = randomBytes(24).toString('hex');
const VONAGE_APPLICATION_ID = randomUUID();
const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });

/** The providers' front office with a directory: Maria Rossi (accounting) has no phone of her own. */
const FIXTURE = writeFixtureConfig((config) => {
  config.directory = [
    { id: 'accounting', kind: 'department', name: 'Contabilità', aliases: ['ufficio contabile'] },
    { id: 'maria-rossi', kind: 'person', name: 'Maria Rossi', department: 'accounting' },
  ];
  config.backOffice = { departments: { accounting: { members: ['anna'] } } };
}, 'front-office.providers.yaml');

interface InboxMessage {
  id: string;
  contactId: string;
  source: string;
  department: string;
  recipientId: string;
  caller: { name: string | null; address: string; callbackAddress: string | null };
  text: string;
  language: string;
}

describe('voice message flow: the caller leaves name, reason and number; it reaches the inbox', () => {
  let service: TestService;
  let stub: RestStub;
  let twilio: TwilioClient;
  let vonage: VonageClient;
  let telnyx: TelnyxClient;
  let annaToken: string;

  beforeAll(async () => {
    stub = await new RestStub().start();
    telnyx = new TelnyxClient('', stub.requests);
    service = await startTestService('pglite', {
      FRONT_OFFICE_CONFIG: FIXTURE,
      PUBLIC_BASE_URL,
      TWILIO_AUTH_TOKEN: TWILIO_TOKEN,
      TWILIO_ACCOUNT_SID: `AC${randomBytes(16).toString('hex')}`,
      TWILIO_API_BASE_URL: stub.url,
      VONAGE_SIGNATURE_SECRET: VONAGE_SECRET,
      VONAGE_APPLICATION_ID,
      VONAGE_PRIVATE_KEY: privateKey
        .export({ type: 'pkcs8', format: 'pem' })
        .toString()
        .replace(/\n/g, '\\n'),
      VONAGE_API_BASE_URL: stub.url,
      TELNYX_PUBLIC_KEY: telnyx.publicKey,
      TELNYX_API_KEY: `KEY${randomBytes(8).toString('hex')}`,
      TELNYX_API_BASE_URL: `${stub.url}/v2`,
    });
    telnyx.serviceUrl = service.url;
    twilio = new TwilioClient(service.url, PUBLIC_BASE_URL, TWILIO_TOKEN);
    vonage = new VonageClient(service.url, VONAGE_SECRET, VONAGE_APPLICATION_ID);
    annaToken = (await OperatorClient.login(service.url, 'anna')).token;
  }, 90_000);

  afterAll(async () => {
    await service?.stop();
    await stub?.stop();
  });

  /** The accounting inbox as anna (who works it) sees it through the REST API. */
  async function inbox(): Promise<InboxMessage[]> {
    const response = await fetch(`${service.url}/messages?department=accounting`, {
      headers: { authorization: `Bearer ${annaToken}` },
    });
    expect(response.status).toBe(200);
    return ((await response.json()) as { messages: InboxMessage[] }).messages;
  }

  function twilioCall() {
    return {
      CallSid: `CA${randomBytes(16).toString('hex')}`,
      From: `+39333${String(Math.floor(Math.random() * 10_000_000)).padStart(7, '0')}`,
      To: '+390200000000',
      CallStatus: 'in-progress',
    };
  }

  /** The one `<Gather>` of a TwiML reply, with its spoken prompt. */
  function gatherOf(reply: TwimlReply): { action: string; input: string; finishOnKey?: string; say: string } {
    expect(reply.status).toBe(200);
    const gather = reply.twiml.Response.Gather;
    expect(gather).toBeDefined();
    return {
      action: gather['@_action'],
      input: gather['@_input'],
      finishOnKey: gather['@_finishOnKey'],
      say: gather.Say['#text'],
    };
  }

  /** The path and query Twilio is told to report to (the public base URL stripped). */
  function pathOf(url: string): string {
    expect(url.startsWith(PUBLIC_BASE_URL)).toBe(true);
    return url.slice(PUBLIC_BASE_URL.length);
  }

  /** A Twilio caller asks for Maria Rossi by name and is asked to leave her a message. */
  async function twilioAsksForMaria(call: ReturnType<typeof twilioCall>) {
    expect((await twilio.post('/webhooks/twilio/voice', call)).status).toBe(200);
    const reply = await twilio.post('/webhooks/twilio/voice/gather', {
      ...call,
      SpeechResult: 'buongiorno, mi passa Maria Rossi per favore',
    });
    expect(reply.twiml.Response.Enqueue).toBeUndefined();
    expect(reply.twiml.Response.Say['#text']).toBe(
      'Maria Rossi non è disponibile in questo momento. Lasci un messaggio e la richiameremo.',
    );
    const gather = gatherOf(reply);
    expect(gather).toMatchObject({ input: 'speech', say: 'Per favore, ci dica il suo nome.' });
    expect(pathOf(gather.action)).toBe('/webhooks/twilio/voice/message?field=name');
    return reply;
  }

  it('Twilio: name and reason by speech, the caller id confirmed with #, message in the inbox once, contact message_taken', async () => {
    const call = twilioCall();
    await twilioAsksForMaria(call);
    const contactId = await contactIdOf('twilio', call.CallSid);
    expect((await getContact(service.url, contactId)).state).toBe('messaging');

    const afterName = gatherOf(
      await twilio.post('/webhooks/twilio/voice/message?field=name', {
        ...call,
        SpeechResult: 'Paolo Verdi',
      }),
    );
    expect(afterName).toMatchObject({
      input: 'speech',
      say: 'Grazie. Ora ci dica il motivo della chiamata.',
    });
    expect(pathOf(afterName.action)).toBe('/webhooks/twilio/voice/message?field=text');

    const afterText = gatherOf(
      await twilio.post('/webhooks/twilio/voice/message?field=text', {
        ...call,
        SpeechResult: 'la fattura 118 ha un importo sbagliato, mi richiami',
        Confidence: '0.91',
      }),
    );
    expect(afterText).toMatchObject({ input: 'dtmf', finishOnKey: '#' });
    expect(afterText.say).toMatch(/prema cancelletto/);
    expect(pathOf(afterText.action)).toBe('/webhooks/twilio/voice/message?field=callback');

    // The caller presses # alone: call back on the number they call from.
    const last = { ...call, Digits: '' };
    const headers = { 'i-twilio-idempotency-token': 'tok-callback-1' };
    const done = await twilio.post('/webhooks/twilio/voice/message?field=callback', last, { headers });
    expect(done.status).toBe(200);
    expect(done.twiml.Response.Say['#text']).toBe(
      'Grazie, il suo messaggio è stato registrato. Arrivederci.',
    );
    expect(done.twiml.Response).toHaveProperty('Hangup');

    const contact = await getContact(service.url, contactId);
    expect(contact.state).toBe('message_taken');
    expect(contact.endedAt).not.toBeNull();
    expect(contact.events.map((event) => event.type)).toEqual([
      'received',
      'triaged',
      'queued',
      'messaging',
      'note',
      'note',
      'note',
      'message_taken',
    ]);
    expect(contact.events.at(-1)!.data).toMatchObject({ source: 'voice', recipientId: 'maria-rossi' });

    const mine = (await inbox()).filter((message) => message.contactId === contactId);
    expect(mine).toHaveLength(1);
    expect(mine[0]).toMatchObject({
      source: 'voice',
      department: 'accounting',
      recipientId: 'maria-rossi',
      caller: { name: 'Paolo Verdi', address: call.From, callbackAddress: null },
      text: 'la fattura 118 ha un importo sbagliato, mi richiami',
      language: 'it',
    });

    // Twilio retries the last answer, then reports the end of the call: nothing changes.
    const retried = await twilio.post('/webhooks/twilio/voice/message?field=callback', last, { headers });
    expect(retried.text).toBe(done.text);
    const status = await twilio.post('/webhooks/twilio/voice/status', { ...call, CallStatus: 'completed' });
    expect(status.status).toBe(200);
    expect((await getContact(service.url, contactId)).state).toBe('message_taken');
    expect((await inbox()).filter((message) => message.contactId === contactId)).toHaveLength(1);
  });

  it('Twilio: a caller who hangs up after saying why still leaves the message; one who hangs up at once is abandoned', async () => {
    const talker = twilioCall();
    await twilioAsksForMaria(talker);
    await twilio.post('/webhooks/twilio/voice/message?field=name', { ...talker, SpeechResult: '' });
    await twilio.post('/webhooks/twilio/voice/message?field=text', {
      ...talker,
      SpeechResult: 'sono il fornitore, ho bisogno di un ordine',
    });
    await twilio.post('/webhooks/twilio/voice/status', { ...talker, CallStatus: 'completed' });
    const talkerId = await contactIdOf('twilio', talker.CallSid);
    expect((await getContact(service.url, talkerId)).state).toBe('message_taken');
    const [left] = (await inbox()).filter((message) => message.contactId === talkerId);
    expect(left).toMatchObject({
      text: 'sono il fornitore, ho bisogno di un ordine',
      caller: { name: null, address: talker.From, callbackAddress: null },
    });

    const silent = twilioCall();
    await twilioAsksForMaria(silent);
    await twilio.post('/webhooks/twilio/voice/status', { ...silent, CallStatus: 'completed' });
    const silentId = await contactIdOf('twilio', silent.CallSid);
    expect((await getContact(service.url, silentId)).state).toBe('abandoned');
    expect((await inbox()).some((message) => message.contactId === silentId)).toBe(false);
  });

  it('Twilio: refuses an unsigned message answer (nothing stored) and a missing field with a 400', async () => {
    const call = twilioCall();
    await twilioAsksForMaria(call);
    const contactId = await contactIdOf('twilio', call.CallSid);
    const forged = await twilio.post(
      '/webhooks/twilio/voice/message?field=name',
      { ...call, SpeechResult: 'Mallory' },
      { token: 'not-the-token' },
    );
    expect(forged.status).toBe(403);
    const noField = await twilio.post('/webhooks/twilio/voice/message', { ...call, SpeechResult: 'x' });
    expect(noField.status).toBe(400);
    expect(noField.text).toMatch(/field/);
    const contact = await getContact(service.url, contactId);
    expect(contact.events.filter((event) => event.type === 'note')).toHaveLength(0);
    await twilio.post('/webhooks/twilio/voice/status', { ...call, CallStatus: 'completed' });
  });

  it('Vonage: speech input for name and reason, another number as DTMF, message in the inbox', async () => {
    const call = {
      uuid: randomUUID(),
      conversation_uuid: `CON-${randomUUID()}`,
      from: '393471112233',
      to: '390200000000',
    };
    expect((await vonage.answer(call)).status).toBe(200);
    const asked = await vonage.post('input', {
      ...call,
      speech: { results: [{ text: 'vorrei parlare con Maria Rossi', confidence: '0.9' }] },
      dtmf: { digits: '', timed_out: true },
    });
    expect(asked.status).toBe(200);
    expect(asked.body).toEqual([
      {
        action: 'talk',
        text: 'Maria Rossi non è disponibile in questo momento. Lasci un messaggio e la richiameremo.',
        language: 'it-IT',
      },
      { action: 'talk', text: 'Per favore, ci dica il suo nome.', language: 'it-IT', bargeIn: true },
      expect.objectContaining({
        action: 'input',
        type: ['speech'],
        speech: expect.objectContaining({ language: 'it-IT' }),
        eventUrl: [`${PUBLIC_BASE_URL}/webhooks/vonage/voice/message?field=name`],
      }),
    ]);
    expect(asked.body[2]).not.toHaveProperty('dtmf');

    const name = await vonage.post('message?field=name', {
      ...call,
      speech: { results: [{ text: 'Giulia Neri' }] },
    });
    expect(name.body[1]).toMatchObject({
      action: 'input',
      type: ['speech'],
      speech: { maxDuration: 60 },
      eventUrl: [`${PUBLIC_BASE_URL}/webhooks/vonage/voice/message?field=text`],
    });
    const text = await vonage.post('message?field=text', {
      ...call,
      speech: { results: [{ text: 'devo spostare il pagamento di marzo' }] },
    });
    expect(text.body[1]).toMatchObject({
      action: 'input',
      type: ['dtmf'],
      dtmf: { maxDigits: 20, submitOnHash: true },
      eventUrl: [`${PUBLIC_BASE_URL}/webhooks/vonage/voice/message?field=callback`],
    });
    const done = await vonage.post('message?field=callback', { ...call, dtmf: { digits: '0612345678' } });
    expect(done.body).toEqual([
      {
        action: 'talk',
        text: 'Grazie, il suo messaggio è stato registrato. Arrivederci.',
        language: 'it-IT',
      },
    ]);

    const contactId = await contactIdOf('vonage', call.uuid);
    expect((await getContact(service.url, contactId)).state).toBe('message_taken');
    const mine = (await inbox()).filter((message) => message.contactId === contactId);
    expect(mine).toHaveLength(1);
    expect(mine[0]).toMatchObject({
      source: 'voice',
      recipientId: 'maria-rossi',
      caller: { name: 'Giulia Neri', address: call.from, callbackAddress: '0612345678' },
      text: 'devo spostare il pagamento di marzo',
    });
    // A duplicate delivery of the last answer gets the same NCCO and stores nothing new.
    const again = await vonage.post('message?field=callback', { ...call, dtmf: { digits: '0612345678' } });
    expect(again.body).toEqual(done.body);
    expect((await inbox()).filter((message) => message.contactId === contactId)).toHaveLength(1);
  });

  it('Telnyx: speech answers by real-time transcription, the number by a digit gather, each step in client_state; thanks, then hang-up once spoken', async () => {
    const call = TelnyxClient.call('+393331119999');
    await telnyx.send('call.initiated', call);
    await telnyx.send('call.transcription', call, {
      transcription_data: { transcript: 'vorrei parlare con Maria Rossi', is_final: true },
    });
    let commands = telnyx.commands(call).slice(3);
    expect(commands.map((command) => command.action)).toEqual([
      'gather_stop',
      'transcription_stop',
      'speak',
      'speak',
      'transcription_start',
    ]);
    expect(commands[2]!.body.payload).toBe(
      'Maria Rossi non è disponibile in questo momento. Lasci un messaggio e la richiameremo.',
    );
    expect(commands[3]!.body).toMatchObject({
      payload: 'Per favore, ci dica il suo nome.',
      language: 'it-IT',
    });
    expect(commands[4]!.body).toMatchObject({
      transcription_engine_config: { language: 'it', interim_results: false },
    });
    const contactId = await contactIdOf('telnyx', call.call_control_id);
    expect(TelnyxClient.clientState(commands[4]!)).toEqual([contactId, 'name']);
    expect((await getContact(service.url, contactId)).state).toBe('messaging');

    // An interim result is not an answer; the final one is, and asks why they call.
    const name = { transcription_data: { transcript: 'Paolo', is_final: false } };
    await telnyx.send('call.transcription', call, { ...name, client_state: commands[4]!.body.client_state });
    expect(telnyx.commands(call)).toHaveLength(8);
    const final = { transcription_data: { transcript: 'Paolo Verdi', is_final: true } };
    await telnyx.send('call.transcription', call, { ...final, client_state: commands[4]!.body.client_state });
    commands = telnyx.commands(call).slice(8);
    expect(commands.map((command) => command.action)).toEqual([
      'transcription_stop',
      'speak',
      'transcription_start',
    ]);
    expect(commands[1]!.body.payload).toBe('Grazie. Ora ci dica il motivo della chiamata.');
    expect(TelnyxClient.clientState(commands[2]!)).toEqual([contactId, 'text']);

    // The same answer transcribed twice (a second final utterance) sends the next question once: Telnyx
    // drops a repeated command_id, and centralino sends the same ids.
    const text = { transcription_data: { transcript: 'la fattura 118 è sbagliata', is_final: true } };
    await telnyx.send('call.transcription', call, { ...text, client_state: commands[2]!.body.client_state });
    await telnyx.send('call.transcription', call, {
      transcription_data: { transcript: 'e poi altro', is_final: true },
      client_state: commands[2]!.body.client_state,
    });
    const afterText = telnyx.commands(call).slice(11);
    expect(afterText.map((command) => command.action)).toEqual([
      'transcription_stop',
      'gather_using_speak',
      'transcription_stop',
      'gather_using_speak',
    ]);
    expect(afterText[3]!.body.command_id).toBe(afterText[1]!.body.command_id);
    expect(afterText[1]!.body).toMatchObject({ maximum_digits: 20, terminating_digit: '#' });
    expect(String(afterText[1]!.body.payload)).toMatch(/prema cancelletto/);
    expect(TelnyxClient.clientState(afterText[1]!)).toEqual([contactId, 'callback']);

    await telnyx.send('call.gather.ended', call, {
      digits: '0612345678',
      status: 'valid',
      client_state: afterText[1]!.body.client_state,
    });
    const thanks = telnyx.commands(call).slice(15);
    expect(thanks.map((command) => command.action)).toEqual(['speak']);
    expect(thanks[0]!.body.payload).toBe('Grazie, il suo messaggio è stato registrato. Arrivederci.');
    expect(TelnyxClient.clientState(thanks[0]!)).toEqual([contactId, 'hangup']);
    await telnyx.send('call.speak.ended', call, { client_state: thanks[0]!.body.client_state });
    expect(telnyx.commands(call).at(-1)!.action).toBe('hangup');

    expect((await getContact(service.url, contactId)).state).toBe('message_taken');
    const mine = (await inbox()).filter((message) => message.contactId === contactId);
    expect(mine).toHaveLength(1);
    expect(mine[0]).toMatchObject({
      source: 'voice',
      recipientId: 'maria-rossi',
      caller: { name: 'Paolo Verdi', address: call.from, callbackAddress: '0612345678' },
      text: 'la fattura 118 è sbagliata',
    });
    await telnyx.send('call.hangup', call, { hangup_cause: 'normal_clearing' });
    expect((await getContact(service.url, contactId)).state).toBe('message_taken');
  });

  it('generic: gathers with a field, answered as call.input with that field; a retry is a duplicate; a hang-up after the reason keeps the message', async () => {
    const started = callStarted({ speech: 'mi passa Maria Rossi per favore', from: '+393331118888' });
    const asked = await postGenericWebhook(service.url, started);
    expect(asked.status).toBe(200);
    expect(asked.body).toMatchObject({
      state: 'messaging',
      actions: [
        { type: 'say', text: expect.stringMatching(/^Maria Rossi non è disponibile/) },
        { type: 'gather', field: 'name', input: ['speech'], prompt: 'Per favore, ci dica il suo nome.' },
      ],
    });
    const input = (field: string, extra: Record<string, unknown>) => ({
      id: `evt_${randomUUID()}`,
      type: 'call.input',
      callId: started.callId,
      field,
      ...extra,
    });
    const name = input('name', { speech: 'Anna Neri' });
    const afterName = await postGenericWebhook(service.url, name);
    expect(afterName.body).toMatchObject({
      state: 'messaging',
      duplicate: false,
      actions: [{ type: 'gather', field: 'text', input: ['speech'] }],
    });
    const retried = await postGenericWebhook(service.url, name);
    expect(retried.body).toMatchObject({ duplicate: true, actions: afterName.body.actions });
    const text = await postGenericWebhook(service.url, input('text', { speech: 'ordine 42 in ritardo' }));
    expect(text.body).toMatchObject({
      actions: [{ type: 'gather', field: 'callback', input: ['dtmf'], maxDigits: 20, finishOnKey: '#' }],
    });
    const ended = await postGenericWebhook(service.url, callEnded(started.callId));
    expect(ended.body).toMatchObject({ state: 'message_taken' });
    const contactId = await contactIdOf('generic', started.callId);
    const mine = (await inbox()).filter((message) => message.contactId === contactId);
    expect(mine).toHaveLength(1);
    expect(mine[0]).toMatchObject({ caller: { name: 'Anna Neri' }, text: 'ordine 42 in ritardo' });
    const unknown = await postGenericWebhook(service.url, {
      ...input('name', { speech: 'x' }),
      callId: 'nope',
    });
    expect(unknown).toMatchObject({ status: 404, body: { error: 'unknown_call' } });
    const badField = await postGenericWebhook(service.url, input('email', { speech: 'x' }));
    expect(badField.status).toBe(400);
  });

  /** The contact of a provider call (the id centralino gave it is not in any provider reply). */
  async function contactIdOf(provider: string, externalId: string): Promise<string> {
    const contact = await service.running.app.get(ContactRepository).findByExternalId(provider, externalId);
    expect(contact).not.toBeNull();
    return contact!.id;
  }
});
