import { generateKeyPairSync, randomBytes, randomUUID } from 'node:crypto';
import { ContactRepository } from '@centralino/persistence';
import { callEnded, callStarted } from '../support/calls';
import { getContact } from '../support/contacts-api';
import { writeFixtureConfig } from '../support/fixture-config';
import { TelnyxClient } from '../support/telnyx-client';
import { startTestService, TestService } from '../support/test-service';
import { TwilioClient } from '../support/twilio-client';
import { VonageClient } from '../support/vonage-client';
import { postGenericWebhook } from '../support/webhook-client';
import { RestStub } from './rest-stub';

const PUBLIC_BASE_URL = 'https://centralino.example.com';
const TWILIO_TOKEN = randomBytes(16).toString('hex');
const VONAGE_SECRET = randomBytes(24).toString('hex');
const VONAGE_APPLICATION_ID = randomUUID();
const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
const LUCA_PHONE = '+390211112222';

/** The providers' front office with a directory: Luca Bianchi has a phone of his own. */
const FIXTURE = writeFixtureConfig((config) => {
  config.directory = [
    { id: 'accounting', kind: 'department', name: 'Contabilità', aliases: ['ufficio contabile'] },
    { id: 'luca-bianchi', kind: 'person', name: 'Luca Bianchi', department: 'accounting', phone: LUCA_PHONE },
  ];
}, 'front-office.providers.yaml');

const ASKS_FOR_LUCA = 'buongiorno, mi passa Luca Bianchi per favore';
const TRANSFERRING = 'La metto in comunicazione con Luca Bianchi.';

describe('a caller who asks for a directory entry with a phone is put through to it, on every provider', () => {
  let service: TestService;
  let stub: RestStub;
  let twilio: TwilioClient;
  let vonage: VonageClient;
  let telnyx: TelnyxClient;

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
  }, 90_000);

  afterAll(async () => {
    await service?.stop();
    await stub?.stop();
  });

  async function contactOf(provider: string, externalId: string) {
    const found = await service.running.app.get(ContactRepository).findByExternalId(provider, externalId);
    expect(found).not.toBeNull();
    return getContact(service.url, found!.id);
  }

  /** The contact ended `transferred` once, out of every queue, with the number and a transfer note. */
  async function expectTransferred(provider: string, externalId: string) {
    const contact = await contactOf(provider, externalId);
    expect(contact.state).toBe('transferred');
    expect(contact.endedAt).not.toBeNull();
    expect(contact.events.map((event) => event.type)).toEqual([
      'received',
      'triaged',
      'queued',
      'note',
      'transferred',
    ]);
    expect(contact.events[3]!.data).toMatchObject({
      kind: 'transfer',
      to: 'directory',
      directoryId: 'luca-bianchi',
    });
    expect(contact.events[4]!.data).toMatchObject({
      reason: 'directory',
      directoryId: 'luca-bianchi',
      number: LUCA_PHONE,
    });
    return contact;
  }

  it('Twilio: <Dial><Number> to the entry; a retried gather dials the same; the end changes nothing', async () => {
    const call = {
      CallSid: `CA${randomBytes(16).toString('hex')}`,
      From: '+393331230001',
      To: '+390200000000',
      CallStatus: 'in-progress',
    };
    await twilio.post('/webhooks/twilio/voice', call);
    const headers = { 'i-twilio-idempotency-token': 'tok-gather-1' };
    const reply = await twilio.post(
      '/webhooks/twilio/voice/gather',
      { ...call, SpeechResult: ASKS_FOR_LUCA },
      { headers },
    );
    expect(reply.status).toBe(200);
    const response = reply.twiml.Response;
    expect(response.Enqueue).toBeUndefined();
    expect(response.Say['#text']).toBe(TRANSFERRING);
    expect(response.Dial).toMatchObject({
      '@_action': `${PUBLIC_BASE_URL}/webhooks/twilio/voice/dial-result`,
      '@_timeout': '30',
      Number: LUCA_PHONE,
    });
    await expectTransferred('twilio', call.CallSid);

    const retried = await twilio.post(
      '/webhooks/twilio/voice/gather',
      { ...call, SpeechResult: ASKS_FOR_LUCA },
      { headers },
    );
    expect(retried.text).toBe(reply.text);
    // Luca does not answer: the caller hears an apology; the contact stays transferred.
    const missed = await twilio.post('/webhooks/twilio/voice/dial-result', {
      ...call,
      DialCallStatus: 'no-answer',
    });
    expect(missed.twiml.Response).toHaveProperty('Hangup');
    await twilio.post('/webhooks/twilio/voice/status', { ...call, CallStatus: 'completed' });
    await expectTransferred('twilio', call.CallSid);
  });

  it('Vonage: an NCCO that connects the phone endpoint', async () => {
    const call = {
      uuid: randomUUID(),
      conversation_uuid: `CON-${randomUUID()}`,
      from: '393471112244',
      to: '390200000000',
    };
    await vonage.answer(call);
    const reply = await vonage.post('input', {
      ...call,
      speech: { results: [{ text: ASKS_FOR_LUCA, confidence: '0.9' }] },
      dtmf: { digits: '', timed_out: true },
    });
    expect(reply.status).toBe(200);
    expect(reply.body).toEqual([
      { action: 'talk', text: TRANSFERRING, language: 'it-IT' },
      {
        action: 'connect',
        endpoint: [{ type: 'phone', number: LUCA_PHONE.slice(1) }],
        timeout: 30,
        eventUrl: [`${PUBLIC_BASE_URL}/webhooks/vonage/voice/operator-event`],
        eventMethod: 'POST',
      },
    ]);
    await expectTransferred('vonage', call.uuid);
    expect((await vonage.post('event', { ...call, status: 'completed' })).status).toBe(200);
    await expectTransferred('vonage', call.uuid);
  });

  it('Telnyx: the spoken name (real-time transcription) stops the menu and transfers the call to the number', async () => {
    const call = TelnyxClient.call('+393331230003');
    await telnyx.send('call.initiated', call);
    await telnyx.send('call.transcription', call, {
      transcription_data: { transcript: ASKS_FOR_LUCA, is_final: true, confidence: 0.93 },
    });
    const commands = telnyx.commands(call);
    expect(commands.map((command) => command.action)).toEqual([
      'answer',
      'gather_using_speak',
      'transcription_start',
      'gather_stop',
      'transcription_stop',
      'speak',
      'transfer',
    ]);
    expect(commands[5]!.body).toMatchObject({ payload: TRANSFERRING, language: 'it-IT' });
    expect(commands[6]!.body).toMatchObject({ to: LUCA_PHONE, timeout_secs: 30 });
    const contact = await expectTransferred('telnyx', call.call_control_id);
    expect(TelnyxClient.clientState(commands[6]!)).toEqual([contact.id]);

    // The gather, stopped, still reports its end: nothing more is sent.
    await telnyx.send('call.gather.ended', call, { digits: '', status: 'cancelled' });
    await telnyx.send('call.hangup', call, { hangup_cause: 'normal_clearing' });
    expect(telnyx.commands(call)).toHaveLength(7);
    await expectTransferred('telnyx', call.call_control_id);
  });

  it('generic: the reply says to transfer; a retried delivery says it again; the end changes nothing', async () => {
    const started = callStarted({ speech: ASKS_FOR_LUCA, from: '+393331230004' });
    const reply = await postGenericWebhook(service.url, started);
    expect(reply.status).toBe(200);
    expect(reply.body).toMatchObject({
      state: 'transferred',
      directoryTarget: { id: 'luca-bianchi', phone: LUCA_PHONE },
      actions: [
        { type: 'say', text: TRANSFERRING, language: 'it' },
        { type: 'transfer', number: LUCA_PHONE, timeoutSeconds: 30 },
      ],
    });
    const again = await postGenericWebhook(service.url, started);
    expect(again.body).toMatchObject({ duplicate: true, state: 'transferred', actions: reply.body.actions });
    expect((await postGenericWebhook(service.url, callEnded(started.callId))).body).toMatchObject({
      state: 'transferred',
    });
    await expectTransferred('generic', started.callId);
  });
});
