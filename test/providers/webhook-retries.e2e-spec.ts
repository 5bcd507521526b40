import { generateKeyPairSync, randomBytes, randomUUID } from 'node:crypto';
import { ContactRepository } from '@centralino/persistence';
import { callEnded, callStarted } from '../support/calls';
import { getContact } from '../support/contacts-api';
import { writeFixtureConfig } from '../support/fixture-config';
import { Scrape } from '../support/prometheus';
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
const FIXTURE = writeFixtureConfig(() => undefined, 'front-office.providers.yaml');
const RETRIES = 4;

/**
 * Providers retry and reorder: the same webhook delivered several times at once creates one contact and
 * gets the same answer every time (never a 409 or a 500 the caller would hear as an error), a late event
 * after the end reopens nothing, and an event about an unknown call gets the documented status.
 */
describe('webhook retries, reordering and unknown calls, per provider', () => {
  let service: TestService;
  let stub: RestStub;
  let twilio: TwilioClient;
  let vonage: VonageClient;
  let telnyx: TelnyxClient;
  /** Telnyx's API drops `enqueue` commands while set: the webhook that sends one then fails. */
  let dropEnqueue = false;

  beforeAll(async () => {
    stub = await new RestStub((request) =>
      dropEnqueue && request.path.endsWith('/actions/enqueue')
        ? { status: 0, body: null }
        : { status: 200, body: { data: { result: 'ok' } } },
    ).start();
    telnyx = new TelnyxClient('', stub.requests);
    service = await startTestService('pglite', {
      FRONT_OFFICE_CONFIG: FIXTURE,
      PUBLIC_BASE_URL,
      TWILIO_AUTH_TOKEN: TWILIO_TOKEN,
      VONAGE_SIGNATURE_SECRET: VONAGE_SECRET,
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

  /** One contact, queued once, ended once (`final`), whatever was delivered how many times. */
  async function expectOneJourney(provider: string, externalId: string, final: string) {
    const contact = await contactOf(provider, externalId);
    expect(contact.state).toBe(final);
    const types = contact.events.map((event) => event.type);
    expect(types.filter((type) => type === 'received')).toHaveLength(1);
    expect(types.filter((type) => type === 'queued')).toHaveLength(1);
    expect(types.filter((type) => type === final)).toHaveLength(1);
  }

  it('Twilio: concurrent retries of the gather get the same TwiML; a late ringing after completed changes nothing', async () => {
    const call = {
      CallSid: `CA${randomBytes(16).toString('hex')}`,
      From: '+393331110001',
      To: '+390200000000',
    };
    const headers = { 'i-twilio-idempotency-token': 'tok-1' };
    const replies = await Promise.all(
      Array.from({ length: RETRIES }, () =>
        twilio.post('/webhooks/twilio/voice/gather', { ...call, Digits: '2' }, { headers }),
      ),
    );
    expect(replies.map((reply) => reply.status)).toEqual(Array(RETRIES).fill(200));
    expect(new Set(replies.map((reply) => reply.text)).size).toBe(1);
    expect(replies[0]!.twiml.Response.Enqueue['#text']).toBe('technical_support');
    // A retry without the idempotency token (another delivery of the same call) is the same contact.
    const other = await twilio.post('/webhooks/twilio/voice/gather', { ...call, Digits: '1' });
    expect(other.twiml.Response.Enqueue['#text']).toBe('technical_support');

    await Promise.all(
      ['completed', 'completed', 'ringing', 'in-progress'].map((CallStatus) =>
        twilio.post('/webhooks/twilio/voice/status', { ...call, CallStatus }),
      ),
    );
    await expectOneJourney('twilio', call.CallSid, 'abandoned');

    const unknown = await twilio.post('/webhooks/twilio/voice/status', {
      CallSid: `CA${randomBytes(16).toString('hex')}`,
      CallStatus: 'completed',
    });
    expect(unknown).toMatchObject({ status: 200, text: '<?xml version="1.0" encoding="UTF-8"?><Response/>' });
  });

  it('Vonage: concurrent retries of the input get the same NCCO; events by uuid + status + timestamp, late ones change nothing', async () => {
    const call = { uuid: randomUUID(), from: '393331110002', to: '390200000000' };
    const replies = await Promise.all(
      Array.from({ length: RETRIES }, () => vonage.post('input', { ...call, dtmf: { digits: '2' } })),
    );
    expect(replies.map((reply) => reply.status)).toEqual(Array(RETRIES).fill(200));
    expect(replies.map((reply) => JSON.stringify(reply.body))).toEqual(
      Array(RETRIES).fill(JSON.stringify(replies[0]!.body)),
    );
    const completed = { ...call, status: 'completed', timestamp: new Date().toISOString() };
    await Promise.all([
      vonage.post('event', completed),
      vonage.post('event', completed),
      vonage.post('event', {
        ...call,
        status: 'ringing',
        timestamp: new Date(Date.now() - 5000).toISOString(),
      }),
      vonage.post('event', { ...call, status: 'answered', timestamp: new Date().toISOString() }),
    ]);
    await expectOneJourney('vonage', call.uuid, 'abandoned');

    const unknown = await vonage.post('event', { uuid: randomUUID(), status: 'completed' });
    expect(unknown).toEqual({ status: 200, body: {} });
    const unknownInput = await vonage.post('message?field=name', {
      uuid: randomUUID(),
      speech: { results: [] },
    });
    expect(unknownInput).toEqual({ status: 200, body: [] });
  });

  it('Telnyx: the same event delivered concurrently is handled once (commands sent once); events after the hang-up change nothing', async () => {
    const call = TelnyxClient.call('+393331110003');
    await telnyx.send('call.initiated', call);
    const gathered = TelnyxClient.event('call.gather.ended', call, { digits: '2', status: 'valid' });
    const before = await Scrape.from(service.url);
    const replies = await Promise.all(Array.from({ length: RETRIES }, () => telnyx.post(gathered)));
    expect(replies).toEqual(Array(RETRIES).fill({ status: 200, body: {} }));
    const commands = telnyx.commands(call).map((command) => command.action);
    expect(commands.filter((action) => action === 'enqueue')).toHaveLength(1);
    const after = await Scrape.from(service.url);
    expect(
      after.value('centralino_webhooks_total', { provider: 'telnyx', outcome: 'duplicate' }) -
        before.value('centralino_webhooks_total', { provider: 'telnyx', outcome: 'duplicate' }),
    ).toBe(RETRIES - 1);

    const hangup = TelnyxClient.event('call.hangup', call, { hangup_cause: 'normal_clearing' });
    await Promise.all([telnyx.post(hangup), telnyx.post(hangup)]);
    await telnyx.send('call.gather.ended', call, { digits: '1', status: 'valid' });
    await telnyx.send('call.transcription', call, {
      transcription_data: { transcript: 'fattura', is_final: true },
    });
    await expectOneJourney('telnyx', call.call_control_id, 'abandoned');
    expect(telnyx.commands(call).map((command) => command.action)).toEqual(commands);

    const stranger = TelnyxClient.call();
    expect(await telnyx.post(TelnyxClient.event('call.hangup', stranger))).toEqual({ status: 200, body: {} });
    expect(telnyx.commands(stranger)).toHaveLength(0);
  });

  it('Telnyx: an event whose handling failed (the API dropped a command) is handled again when Telnyx retries it', async () => {
    const call = TelnyxClient.call('+393331110005');
    await telnyx.send('call.initiated', call);
    const gathered = TelnyxClient.event('call.gather.ended', call, { digits: '1', status: 'valid' });
    dropEnqueue = true;
    try {
      expect((await telnyx.post(gathered)).status).toBe(500);
    } finally {
      dropEnqueue = false;
    }
    // The contact was queued, but the caller never got the enqueue: Telnyx redelivers the same event.
    expect((await contactOf('telnyx', call.call_control_id)).state).toBe('queued');
    const retried = { ...gathered, meta: { attempt: 2 } };
    expect(await telnyx.post(retried)).toEqual({ status: 200, body: {} });
    const enqueues = telnyx.commands(call).filter((command) => command.action === 'enqueue');
    expect(enqueues).toHaveLength(2);
    // The same command both times: Telnyx runs a command_id once, so the caller is enqueued once.
    expect(enqueues[1]!.body.command_id).toBe(enqueues[0]!.body.command_id);
    expect(enqueues[1]!.body).toMatchObject({ queue_name: 'billing' });
    // Handled now: a third delivery does nothing.
    expect(await telnyx.post({ ...gathered, meta: { attempt: 3 } })).toEqual({ status: 200, body: {} });
    expect(telnyx.commands(call).filter((command) => command.action === 'enqueue')).toHaveLength(2);
    await telnyx.send('call.hangup', call, { hangup_cause: 'normal_clearing' });
    await expectOneJourney('telnyx', call.call_control_id, 'abandoned');
  });

  it('counts refused requests per provider and reason (wrong key, unsigned), storing nothing', async () => {
    const before = await Scrape.from(service.url);
    const twilioCall = {
      CallSid: `CA${randomBytes(16).toString('hex')}`,
      From: '+393331110006',
      To: '+39020',
    };
    const replies = [
      await twilio.post('/webhooks/twilio/voice/gather', { ...twilioCall, Digits: '1' }, { token: 'wrong' }),
      await twilio.post('/webhooks/twilio/voice/gather', { ...twilioCall, Digits: '1' }, { signature: null }),
    ].map((reply) => reply.status);
    const vonageCall = { uuid: randomUUID(), from: '393331110006', to: '39020', dtmf: { digits: '1' } };
    replies.push((await vonage.post('input', vonageCall, { secret: 'not-the-secret' })).status);
    replies.push((await vonage.post('input', vonageCall, { authorization: null })).status);
    const telnyxCall = TelnyxClient.call('+393331110006');
    const gathered = TelnyxClient.event('call.gather.ended', telnyxCall, { digits: '1' });
    replies.push((await telnyx.post(gathered, { key: generateKeyPairSync('ed25519').privateKey })).status);
    const unsigned = await fetch(`${service.url}/webhooks/telnyx/call-control`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(gathered),
    });
    replies.push(unsigned.status);
    const started = callStarted({ digits: '1', from: '+393331110006' });
    replies.push(
      (await postGenericWebhook(service.url, started, { secret: 'whsec_not_the_secret_0000' })).status,
    );
    replies.push((await postGenericWebhook(service.url, started, { signature: null })).status);
    // Twilio has no "missing" case: an unsigned request is a wrong signature (403), as Twilio documents it.
    expect(replies).toEqual([403, 403, 403, 401, 403, 401, 403, 401]);

    const after = await Scrape.from(service.url);
    const delta = (name: string, labels: Record<string, string>) =>
      after.value(name, labels) - before.value(name, labels);
    const counted = ['twilio', 'vonage', 'telnyx', 'generic'].map((provider) => ({
      provider,
      invalid: delta('centralino_webhook_signature_failures_total', { provider, reason: 'invalid' }),
      missing: delta('centralino_webhook_signature_failures_total', { provider, reason: 'missing' }),
      rejected: delta('centralino_webhooks_total', { provider, outcome: 'rejected_signature' }),
    }));
    expect(counted).toEqual([
      { provider: 'twilio', invalid: 2, missing: 0, rejected: 2 },
      { provider: 'vonage', invalid: 1, missing: 1, rejected: 2 },
      { provider: 'telnyx', invalid: 1, missing: 1, rejected: 2 },
      { provider: 'generic', invalid: 1, missing: 1, rejected: 2 },
    ]);
    const contacts = service.running.app.get(ContactRepository);
    expect(await contacts.findByExternalId('twilio', twilioCall.CallSid)).toBeNull();
    expect(await contacts.findByExternalId('vonage', vonageCall.uuid)).toBeNull();
    expect(await contacts.findByExternalId('telnyx', telnyxCall.call_control_id)).toBeNull();
    expect(await contacts.findByExternalId('generic', started.callId)).toBeNull();
    expect(telnyx.commands(telnyxCall)).toHaveLength(0);

    // A malformed Telnyx event is a 400, counted as invalid.
    const malformed = await telnyx.post({
      data: { id: randomUUID(), event_type: 'call.hangup', payload: {} },
    });
    expect(malformed.status).toBe(400);
    const later = await Scrape.from(service.url);
    expect(
      later.value('centralino_webhooks_total', { provider: 'telnyx', outcome: 'invalid' }) -
        after.value('centralino_webhooks_total', { provider: 'telnyx', outcome: 'invalid' }),
    ).toBe(1);
  });

  it('generic: concurrent retries get the same contact (one marked new, the rest duplicates); unknown calls are 404', async () => {
    const started = callStarted({ digits: '2', from: '+393331110004' });
    const replies = await Promise.all(
      Array.from({ length: RETRIES }, () => postGenericWebhook(service.url, started)),
    );
    expect(replies.map((reply) => reply.status)).toEqual(Array(RETRIES).fill(200));
    expect(new Set(replies.map((reply) => reply.body.contactId)).size).toBe(1);
    expect(replies.filter((reply) => reply.body.duplicate === false)).toHaveLength(1);
    const ended = callEnded(started.callId);
    await Promise.all([postGenericWebhook(service.url, ended), postGenericWebhook(service.url, ended)]);
    await expectOneJourney('generic', started.callId, 'abandoned');
    const unknown = await postGenericWebhook(service.url, callEnded(`call_${randomUUID()}`));
    expect(unknown).toMatchObject({ status: 404, body: { error: 'unknown_call' } });
  });
});
