import { generateKeyPairSync, randomBytes, randomUUID } from 'node:crypto';
import { resolve } from 'node:path';
import { getContact, waitForState } from '../support/contacts-api';
import { OperatorClient } from '../support/operator-client';
import { startTestService, TestService } from '../support/test-service';
import { VonageClient } from '../support/vonage-client';
import { RestStub } from './rest-stub';

const PUBLIC_BASE_URL = 'https://centralino.example.com';
const SIGNATURE_SECRET = randomBytes(24).toString('hex');
const APPLICATION_ID = randomUUID();
const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
const PRIVATE_KEY_PEM = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
const FIXTURE = resolve(__dirname, '../fixtures/front-office.providers.yaml');

function newCall() {
  return {
    uuid: randomUUID(),
    conversation_uuid: `CON-${randomUUID()}`,
    from: '393331234567',
    to: '390200000000',
  };
}

describe('Vonage Voice', () => {
  let service: TestService;
  let stub: RestStub;
  const clients: OperatorClient[] = [];

  beforeAll(async () => {
    stub = await new RestStub(() => ({ status: 204, body: {} })).start();
    service = await startTestService('pglite', {
      FRONT_OFFICE_CONFIG: FIXTURE,
      PUBLIC_BASE_URL,
      VONAGE_SIGNATURE_SECRET: SIGNATURE_SECRET,
      VONAGE_APPLICATION_ID: APPLICATION_ID,
      VONAGE_PRIVATE_KEY: PRIVATE_KEY_PEM.replace(/\n/g, '\\n'),
      VONAGE_API_BASE_URL: stub.url,
    });
    vonage = new VonageClient(service.url, SIGNATURE_SECRET, APPLICATION_ID);
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

  let vonage: VonageClient;
  const post = (...args: Parameters<VonageClient['post']>) => vonage.post(...args);
  const answer = (call: ReturnType<typeof newCall>) => vonage.answer(call);
  const vonageAuthorization = (body: string) => vonage.authorization(body);

  function input(call: ReturnType<typeof newCall>, result: { digits?: string; speech?: string }) {
    return {
      ...call,
      dtmf: { digits: result.digits ?? '', timed_out: !result.digits },
      speech: result.speech
        ? { results: [{ text: result.speech, confidence: '0.9' }] }
        : { timeout_reason: 'start_timeout' },
      timestamp: new Date().toISOString(),
    };
  }

  function event(call: ReturnType<typeof newCall>, status: string) {
    return { ...call, status, direction: 'inbound', timestamp: new Date().toISOString() };
  }

  it('answers with an NCCO, triages Italian speech, holds in a conversation, transfers to the operator who accepts, and completes', async () => {
    const call = newCall();
    const answered = await answer(call);
    expect(answered.status).toBe(200);
    expect(answered.body).toEqual([
      expect.objectContaining({
        action: 'talk',
        language: 'it-IT',
        bargeIn: true,
        text: expect.stringMatching(/^Benvenuti in Test/),
      }),
      expect.objectContaining({
        action: 'input',
        type: ['dtmf', 'speech'],
        dtmf: expect.objectContaining({ maxDigits: 1 }),
        speech: expect.objectContaining({
          language: 'it-IT',
          context: expect.arrayContaining(['guasto', 'fattura']),
        }),
        eventUrl: [`${PUBLIC_BASE_URL}/webhooks/vonage/voice/input`],
      }),
    ]);
    expect((await post('event', event(call, 'started'))).status).toBe(200);
    expect((await post('event', event(call, 'answered'))).status).toBe(200);

    const queued = await post(
      'input',
      input(call, { speech: 'Salve, ho un guasto alla linea internet da ieri' }),
    );
    expect(queued.status).toBe(200);
    expect(queued.body).toHaveLength(3);
    expect(queued.body[0]).toMatchObject({
      action: 'talk',
      text: 'Grazie, attenda in linea.',
      language: 'it-IT',
    });
    expect(queued.body[1]).toMatchObject({ action: 'talk', text: 'Lei è il primo in attesa.' });
    expect(queued.body[2]).toMatchObject({ action: 'conversation', startOnEnter: false });
    expect(queued.body[2].name).toMatch(/^centralino-/);

    const bruno = await operator('bruno');
    const offer = await bruno.next('offer');
    expect(offer).toMatchObject({ queue: 'technical_support', language: 'it' });
    expect((await bruno.send('offer.accept', { offerId: offer.offerId })).ok).toBe(true);

    const transfer = await stub.next((request) => request.path === `/v1/calls/${call.uuid}`);
    expect(transfer.method).toBe('PUT');
    const token = /^Bearer (.+)$/.exec(transfer.headers.authorization ?? '')?.[1];
    const claims = JSON.parse(Buffer.from(token!.split('.')[1]!, 'base64url').toString()) as Record<
      string,
      unknown
    >;
    expect(claims.application_id).toBe(APPLICATION_ID);
    expect(JSON.parse(transfer.body)).toEqual({
      action: 'transfer',
      destination: {
        type: 'ncco',
        ncco: [
          {
            action: 'connect',
            endpoint: [{ type: 'sip', uri: 'sip:bruno@pbx.example.com' }],
            timeout: 30,
            eventUrl: [`${PUBLIC_BASE_URL}/webhooks/vonage/voice/operator-event`],
            eventMethod: 'POST',
          },
        ],
      },
    });

    expect((await post('operator-event', { ...event(call, 'answered'), uuid: randomUUID() })).body).toEqual(
      {},
    );
    const completed = await post('event', event(call, 'completed'));
    expect(completed).toEqual({ status: 200, body: {} });
    await expect(bruno.next('contact.ended')).resolves.toMatchObject({
      contactId: offer.contactId,
      state: 'completed',
    });
    const contact = await getContact(service.url, offer.contactId);
    expect(contact.events.map((e) => e.type)).toEqual([
      'received',
      'triaged',
      'queued',
      'offered',
      'connected',
      'completed',
    ]);

    // Reordered and repeated events change nothing.
    for (const status of ['ringing', 'answered', 'completed']) {
      expect((await post('event', event(call, status))).status).toBe(200);
    }
    const after = await getContact(service.url, offer.contactId);
    expect(after.state).toBe('completed');
    expect(after.events).toHaveLength(6);
    const wrapUp = await bruno.next('operator.state', (state) => state.state === 'wrap_up');
    await bruno.next(
      'operator.state',
      (state) => state.state === 'available' && state.since >= wrapUp.since,
      5000,
    );
  });

  it('records a caller who hangs up while waiting as abandoned, and answers the same NCCO to a duplicate input', async () => {
    const call = newCall();
    await answer(call);
    const payload = input(call, { digits: '1' });
    const deliveries = await Promise.all([1, 2, 3].map(() => post('input', payload)));
    expect(deliveries.map((d) => d.status)).toEqual([200, 200, 200]);
    for (const delivery of deliveries) expect(delivery.body).toEqual(deliveries[0]!.body);
    const room = deliveries[0]!.body.at(-1).name as string;

    const ended = await post('event', event(call, 'completed'));
    expect(ended.status).toBe(200);
    const contactId = room.slice('centralino-'.length);
    const contact = await waitForState(service.url, contactId, 'abandoned');
    expect(contact.problemType).toBe('billing');
    expect(contact.events.filter((e) => e.type === 'abandoned')).toHaveLength(1);
    expect(typeof contact.events.at(-1)!.data.waitSeconds).toBe('number');
    expect((await post('event', event(call, 'completed'))).status).toBe(200);
  });

  it('asks a vague caller a clarifying question (talk + a new input in their language), then holds them', async () => {
    const call = newCall();
    await answer(call);
    const vague = await post('input', input(call, { speech: 'salve, buongiorno' }));
    expect(vague.status).toBe(200);
    expect(vague.body).toEqual([
      expect.objectContaining({ action: 'talk', language: 'it-IT', bargeIn: true }),
      expect.objectContaining({
        action: 'input',
        type: ['dtmf', 'speech'],
        speech: expect.objectContaining({ language: 'it-IT' }),
        eventUrl: [`${PUBLIC_BASE_URL}/webhooks/vonage/voice/input?attempt=2`],
      }),
    ]);
    expect(vague.body[0].text).toMatch(/Amministrazione|Assistenza|Billing|Support/);

    const answered = await post('input?attempt=2', input(call, { speech: 'è per la fattura' }));
    expect(answered.body.at(-1)).toMatchObject({ action: 'conversation', startOnEnter: false });
    const contactId = (answered.body.at(-1).name as string).slice('centralino-'.length);
    // The answer delivered again gets the same NCCO.
    expect((await post('input?attempt=2', input(call, { speech: 'è per la fattura' }))).body).toEqual(
      answered.body,
    );
    await post('event', event(call, 'completed'));
    const contact = await waitForState(service.url, contactId, 'abandoned');
    expect(contact.problemType).toBe('billing');
    expect(contact.events.map((e) => e.type).slice(0, 4)).toEqual([
      'received',
      'clarifying',
      'triaged',
      'queued',
    ]);
  });

  it('refuses a wrong key, a tampered body, a stale token and a missing token, storing nothing', async () => {
    const call = newCall();
    const payload = input(call, { digits: '1' });
    const wrongKey = await post('input', payload, { secret: randomBytes(24).toString('hex') });
    expect(wrongKey).toMatchObject({ status: 403, body: { error: 'signature_invalid' } });
    const signedBody = JSON.stringify(payload);
    const tampered = await post('input', payload, {
      authorization: vonageAuthorization(signedBody),
      rawBody: signedBody.replace('"digits":"1"', '"digits":"2"'),
    });
    expect(tampered).toMatchObject({ status: 403, body: { error: 'signature_invalid' } });
    const stale = await post('input', payload, { iat: Math.floor(Date.now() / 1000) - 301 });
    expect(stale).toMatchObject({ status: 401, body: { error: 'signature_expired' } });
    const missing = await post('input', payload, { authorization: null });
    expect(missing).toMatchObject({ status: 401, body: { error: 'signature_missing' } });

    // Nothing stored: the end of that call is an unknown call, answered 200 so Vonage does not retry.
    expect(await post('event', event(call, 'completed'))).toEqual({ status: 200, body: {} });
    const bad = await post('input', { ...payload, uuid: 'has spaces' });
    expect(bad.status).toBe(400);
  });
});
