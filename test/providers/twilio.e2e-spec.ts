import { randomBytes, randomUUID } from 'node:crypto';
import { resolve } from 'node:path';
import { XMLParser } from 'fast-xml-parser';
import twilio from 'twilio';
import { getContact, waitForState } from '../support/contacts-api';
import { OperatorClient } from '../support/operator-client';
import { startTestService, TestService } from '../support/test-service';
import { RestStub } from './rest-stub';

const PUBLIC_BASE_URL = 'https://centralino.example.com';
const AUTH_TOKEN = randomBytes(16).toString('hex');
const ACCOUNT_SID = `AC${randomBytes(16).toString('hex')}`;
const FIXTURE = resolve(__dirname, '../fixtures/front-office.providers.yaml');

const xml = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '@_', parseTagValue: false });

interface TwimlReply {
  status: number;
  contentType: string | null;
  text: string;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- parsed TwiML, asserted field by field
  twiml: any;
}

function newCall() {
  return {
    CallSid: `CA${randomBytes(16).toString('hex')}`,
    AccountSid: ACCOUNT_SID,
    From: '+393331234567',
    To: '+390200000000',
    CallStatus: 'ringing',
    Direction: 'inbound',
    ApiVersion: '2010-04-01',
  };
}

describe('Twilio Programmable Voice', () => {
  let service: TestService;
  let stub: RestStub;
  const clients: OperatorClient[] = [];

  beforeAll(async () => {
    stub = await new RestStub((request) => ({
      status: 200,
      body: { sid: request.path.match(/Calls\/(CA\w+)\.json/)?.[1] ?? 'CA0', status: 'in-progress' },
    })).start();
    service = await startTestService('pglite', {
      FRONT_OFFICE_CONFIG: FIXTURE,
      PUBLIC_BASE_URL,
      TWILIO_AUTH_TOKEN: AUTH_TOKEN,
      TWILIO_ACCOUNT_SID: ACCOUNT_SID,
      TWILIO_API_BASE_URL: stub.url,
    });
  });

  afterEach(async () => {
    while (clients.length) {
      const client = clients.pop()!;
      await client.send('state.set', { state: 'away', reason: 'test over' }).catch(() => undefined);
      client.close();
    }
  });

  afterAll(async () => {
    await service?.stop();
    await stub?.stop();
  });

  async function operator(username: string): Promise<OperatorClient> {
    const client = await OperatorClient.connect(service.url, username);
    clients.push(client);
    await client.available();
    return client;
  }

  /** Posts form fields to a Twilio webhook, signed exactly as Twilio signs them (official helper). */
  async function postTwilio(
    path: string,
    params: Record<string, string>,
    options: {
      token?: string;
      signature?: string | null;
      signedUrl?: string;
      headers?: Record<string, string>;
    } = {},
  ): Promise<TwimlReply> {
    const signedUrl = options.signedUrl ?? `${PUBLIC_BASE_URL}${path}`;
    const signature =
      options.signature === undefined
        ? twilio.getExpectedTwilioSignature(options.token ?? AUTH_TOKEN, signedUrl, params)
        : options.signature;
    const headers: Record<string, string> = {
      'content-type': 'application/x-www-form-urlencoded',
      ...options.headers,
    };
    if (signature !== null) headers['x-twilio-signature'] = signature;
    const response = await fetch(`${service.url}${path}`, {
      method: 'POST',
      headers,
      body: new URLSearchParams(params).toString(),
    });
    const text = await response.text();
    const isXml = response.headers.get('content-type')?.includes('xml') ?? false;
    return {
      status: response.status,
      contentType: response.headers.get('content-type'),
      text,
      twiml: isXml ? xml.parse(text) : JSON.parse(text),
    };
  }

  /** A caller goes through the greeting and answers the menu; returns the enqueue TwiML. */
  async function callAndAnswer(call: ReturnType<typeof newCall>, answer: Record<string, string>) {
    const incoming = await postTwilio('/webhooks/twilio/voice', call);
    expect(incoming.status).toBe(200);
    return postTwilio('/webhooks/twilio/voice/gather', { ...call, CallStatus: 'in-progress', ...answer });
  }

  it('greets, triages Italian speech, holds with the position, connects the operator who accepts, and completes', async () => {
    const call = newCall();
    const incoming = await postTwilio('/webhooks/twilio/voice', call);
    expect(incoming.status).toBe(200);
    expect(incoming.contentType).toMatch(/^text\/xml/);
    const gather = incoming.twiml.Response.Gather;
    expect(gather).toMatchObject({
      '@_input': 'dtmf speech',
      '@_action': `${PUBLIC_BASE_URL}/webhooks/twilio/voice/gather`,
      '@_method': 'POST',
      '@_numDigits': '1',
      '@_language': 'it-IT',
      '@_actionOnEmptyResult': 'true',
    });
    expect(gather['@_hints'].split(', ')).toEqual(
      expect.arrayContaining(['fattura', 'guasto', 'Assistenza']),
    );
    expect(gather.Say).toMatchObject({ '@_language': 'it-IT' });
    expect(gather.Say['#text']).toMatch(/^Benvenuti in Test\. Per l'amministrazione prema 1/);

    const gathered = await postTwilio('/webhooks/twilio/voice/gather', {
      ...call,
      CallStatus: 'in-progress',
      SpeechResult: 'Buongiorno, ho un problema con la fattura di marzo',
      Confidence: '0.91',
    });
    expect(gathered.status).toBe(200);
    expect(gathered.twiml.Response.Say).toMatchObject({
      '#text': 'Grazie, attenda in linea.',
      '@_language': 'it-IT',
    });
    expect(gathered.twiml.Response.Enqueue).toEqual({
      '#text': 'billing',
      '@_waitUrl': `${PUBLIC_BASE_URL}/webhooks/twilio/voice/wait`,
      '@_waitUrlMethod': 'POST',
      '@_action': `${PUBLIC_BASE_URL}/webhooks/twilio/voice/queue-result`,
      '@_method': 'POST',
    });

    // Twilio fetches the wait URL while the caller holds: position from centralino's own queue.
    const waiting = await postTwilio('/webhooks/twilio/voice/wait', {
      ...call,
      QueueSid: 'QU0123456789abcdef0123456789abcdef',
      QueuePosition: '1',
      QueueTime: '2',
      CurrentQueueSize: '1',
    });
    expect(waiting.twiml.Response.Say['#text']).toBe('Lei è il primo in attesa.');
    expect(waiting.twiml.Response.Pause).toMatchObject({ '@_length': '15' });

    const anna = await operator('anna');
    const offer = await anna.next('offer');
    expect(offer).toMatchObject({ queue: 'billing', language: 'it', caller: '+39***567' });
    const accepted = await anna.send<{ contactId: string; state: string }>('offer.accept', {
      offerId: offer.offerId,
    });
    expect(accepted).toMatchObject({ ok: true, data: { state: 'connected' } });
    const contactId = offer.contactId;

    // The waiting call is redirected over REST to TwiML that dials the operator's endpoint.
    const update = await stub.next((request) => request.path.includes(call.CallSid));
    expect(update.method).toBe('POST');
    expect(update.path).toBe(`/2010-04-01/Accounts/${ACCOUNT_SID}/Calls/${call.CallSid}.json`);
    expect(update.headers.authorization).toBe(
      `Basic ${Buffer.from(`${ACCOUNT_SID}:${AUTH_TOKEN}`).toString('base64')}`,
    );
    const redirected = xml.parse(new URLSearchParams(update.body).get('Twiml')!);
    expect(redirected.Response.Dial).toMatchObject({
      '@_action': `${PUBLIC_BASE_URL}/webhooks/twilio/voice/dial-result`,
      Client: 'anna',
    });

    // Twilio reports the queue was left by the redirect: nothing changes.
    const left = await postTwilio('/webhooks/twilio/voice/queue-result', {
      ...call,
      QueueResult: 'redirected',
      QueueTime: '5',
    });
    expect(left.text).toBe('<?xml version="1.0" encoding="UTF-8"?><Response/>');
    expect((await getContact(service.url, contactId)).state).toBe('connected');

    const dialed = await postTwilio('/webhooks/twilio/voice/dial-result', {
      ...call,
      DialCallStatus: 'completed',
    });
    expect(dialed.twiml.Response).toHaveProperty('Hangup');

    const completed = await postTwilio('/webhooks/twilio/voice/status', {
      ...call,
      CallStatus: 'completed',
      CallDuration: '42',
    });
    expect(completed.status).toBe(200);
    await expect(anna.next('contact.ended')).resolves.toMatchObject({ contactId, state: 'completed' });
    const contact = await getContact(service.url, contactId);
    expect(contact).toMatchObject({
      state: 'completed',
      problemType: 'billing',
      operatorId: anna.operatorId,
    });
    expect(contact.events.map((event) => event.type)).toEqual([
      'received',
      'triaged',
      'queued',
      'offered',
      'connected',
      'completed',
    ]);

    // A late or repeated status never reopens nor re-ends the call.
    for (const status of ['ringing', 'in-progress', 'completed']) {
      const late = await postTwilio('/webhooks/twilio/voice/status', { ...call, CallStatus: status });
      expect(late.status).toBe(200);
    }
    const after = await getContact(service.url, contactId);
    expect(after.state).toBe('completed');
    expect(after.events).toHaveLength(6);
    // Wrap-up (1 s in the test config), then available again.
    const wrapUp = await anna.next('operator.state', (state) => state.state === 'wrap_up');
    await expect(
      anna.next(
        'operator.state',
        (state) => state.state === 'available' && state.since >= wrapUp.since,
        5000,
      ),
    ).resolves.toBeDefined();
  });

  it('records a caller who hangs up while waiting as abandoned, with the wait time', async () => {
    const call = newCall();
    const gathered = await callAndAnswer(call, { Digits: '2' });
    expect(gathered.twiml.Response.Enqueue['#text']).toBe('technical_support');

    const hungUp = await postTwilio('/webhooks/twilio/voice/queue-result', {
      ...call,
      QueueResult: 'hangup',
      QueueTime: '9',
    });
    expect(hungUp.status).toBe(200);
    expect(hungUp.text).toBe('<?xml version="1.0" encoding="UTF-8"?><Response/>');
    const status = await postTwilio('/webhooks/twilio/voice/status', { ...call, CallStatus: 'completed' });
    expect(status.status).toBe(200);

    // The only operator with the skill finds nothing to take.
    const bruno = await operator('bruno');
    await expect(bruno.quietFor('offer', 1200)).resolves.toBe(true);

    // The contact is found through a wait request Twilio might still send: it is told to hang up.
    const late = await postTwilio('/webhooks/twilio/voice/wait', call);
    expect(late.twiml.Response).toHaveProperty('Hangup');
  });

  it('answers a duplicate delivery with the same TwiML and creates one contact only', async () => {
    const call = newCall();
    await postTwilio('/webhooks/twilio/voice', call);
    const answer = { ...call, CallStatus: 'in-progress', Digits: '0' };
    const token = randomUUID();
    const deliveries = await Promise.all(
      [1, 2, 3].map(() =>
        postTwilio('/webhooks/twilio/voice/gather', answer, {
          headers: { 'i-twilio-idempotency-token': token },
        }),
      ),
    );
    // A second gather for the same call (another idempotency token) is the same contact too.
    deliveries.push(await postTwilio('/webhooks/twilio/voice/gather', answer));
    expect(deliveries.map((delivery) => delivery.status)).toEqual([200, 200, 200, 200]);
    for (const delivery of deliveries) expect(delivery.twiml.Response.Enqueue['#text']).toBe('reception');

    const anna = await operator('anna');
    const offer = await anna.next('offer');
    await expect(anna.quietFor('offer', 1000)).resolves.toBe(true);
    expect(offer.queue).toBe('reception');

    // The hang-up arrives twice (queue result and status callback, each possibly retried): one end.
    for (const params of [
      { ...call, QueueResult: 'hangup' },
      { ...call, QueueResult: 'hangup' },
    ]) {
      expect((await postTwilio('/webhooks/twilio/voice/queue-result', params)).status).toBe(200);
    }
    await postTwilio('/webhooks/twilio/voice/status', { ...call, CallStatus: 'completed' });
    await postTwilio('/webhooks/twilio/voice/status', { ...call, CallStatus: 'completed' });
    await expect(anna.next('offer.withdrawn')).resolves.toMatchObject({ reason: 'caller_hung_up' });
    const contact = await waitForState(service.url, offer.contactId, 'abandoned');
    expect(contact.events.filter((event) => event.type === 'abandoned')).toHaveLength(1);
    expect(contact.events.at(-1)!.data).toMatchObject({ reason: 'hangup' });
    expect(typeof contact.events.at(-1)!.data.waitSeconds).toBe('number');
  });

  it('refuses forged, unsigned and wrongly addressed requests with 403 and stores nothing', async () => {
    const call = newCall();
    const answer = { ...call, Digits: '1' };
    const forged = await postTwilio('/webhooks/twilio/voice/gather', answer, { token: 'f'.repeat(32) });
    expect(forged).toMatchObject({ status: 403, twiml: { error: 'signature_invalid' } });
    const unsigned = await postTwilio('/webhooks/twilio/voice/gather', answer, { signature: null });
    expect(unsigned).toMatchObject({ status: 403, twiml: { error: 'signature_invalid' } });
    // Signed for the URL the request reached (Host header), not the configured public one.
    const hostSigned = await postTwilio('/webhooks/twilio/voice/gather', answer, {
      signedUrl: `${service.url}/webhooks/twilio/voice/gather`,
    });
    expect(hostSigned.status).toBe(403);
    // A field changed after signing.
    const signature = twilio.getExpectedTwilioSignature(
      AUTH_TOKEN,
      `${PUBLIC_BASE_URL}/webhooks/twilio/voice/gather`,
      answer,
    );
    const tampered = await postTwilio(
      '/webhooks/twilio/voice/gather',
      { ...answer, Digits: '2' },
      { signature },
    );
    expect(tampered.status).toBe(403);

    // Nothing was stored: the call is unknown to the wait URL and to the status callback.
    const wait = await postTwilio('/webhooks/twilio/voice/wait', call);
    expect(wait.twiml.Response).toHaveProperty('Leave');
    const status = await postTwilio('/webhooks/twilio/voice/status', { ...call, CallStatus: 'completed' });
    expect(status).toMatchObject({ status: 200, text: '<?xml version="1.0" encoding="UTF-8"?><Response/>' });
    const queueResult = await postTwilio('/webhooks/twilio/voice/queue-result', {
      ...call,
      QueueResult: 'hangup',
    });
    expect(queueResult.status).toBe(200);
  });

  it('rejects malformed requests with a 400 naming the field, never a 500', async () => {
    const call = newCall();
    const badSid = await postTwilio('/webhooks/twilio/voice/gather', { ...call, CallSid: 'not-a-sid' });
    expect(badSid.status).toBe(400);
    expect(badSid.twiml.message).toMatch(/^CallSid:/);
    const badDigits = await postTwilio('/webhooks/twilio/voice/gather', { ...call, Digits: 'abc' });
    expect(badDigits.status).toBe(400);
    expect(badDigits.twiml.message).toMatch(/^Digits:/);
    const noStatus = await postTwilio('/webhooks/twilio/voice/status', { CallSid: call.CallSid });
    expect(noStatus.status).toBe(400);
    const empty = await postTwilio('/webhooks/twilio/voice', {});
    expect(empty.status).toBe(400);
  });

  it('answers 503 "not configured" when TWILIO_AUTH_TOKEN is unset', async () => {
    const bare = await startTestService('pglite', { FRONT_OFFICE_CONFIG: FIXTURE });
    try {
      const response = await fetch(`${bare.url}/webhooks/twilio/voice`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': 'x' },
        body: new URLSearchParams(newCall()).toString(),
      });
      expect(response.status).toBe(503);
      expect(((await response.json()) as { message: string }).message).toMatch(/Twilio is not configured/);
    } finally {
      await bare.stop();
    }
  });
});
