import { generateKeyPairSync, KeyObject, randomBytes, randomUUID, sign } from 'node:crypto';
import { resolve } from 'node:path';
import { getContact, waitForState } from '../support/contacts-api';
import { OperatorClient } from '../support/operator-client';
import { startTestService, TestService } from '../support/test-service';
import { RecordedRequest, RestStub } from './rest-stub';

const PUBLIC_BASE_URL = 'https://centralino.example.com';
const API_KEY = `KEY${randomBytes(16).toString('hex')}`;
const FIXTURE = resolve(__dirname, '../fixtures/front-office.providers.yaml');
const telnyxKeys = generateKeyPairSync('ed25519');
const PUBLIC_KEY = telnyxKeys.publicKey
  .export({ type: 'spki', format: 'der' })
  .subarray(-32)
  .toString('base64');

function newCall() {
  return {
    call_control_id: `v3:${randomBytes(12).toString('base64url')}`,
    call_session_id: randomUUID(),
    from: '+393331234567',
    to: '+390200000000',
    direction: 'incoming',
  };
}

function event(eventType: string, call: ReturnType<typeof newCall>, extra: Record<string, unknown> = {}) {
  return {
    data: {
      id: randomUUID(),
      event_type: eventType,
      occurred_at: new Date().toISOString(),
      record_type: 'event',
      payload: { ...call, ...extra },
    },
    meta: { attempt: 1, delivered_to: `${PUBLIC_BASE_URL}/webhooks/telnyx/call-control` },
  };
}

describe('Telnyx Call Control v2', () => {
  let service: TestService;
  let stub: RestStub;
  const clients: OperatorClient[] = [];

  beforeAll(async () => {
    stub = await new RestStub(() => ({ status: 200, body: { data: { result: 'ok' } } })).start();
    service = await startTestService('pglite', {
      FRONT_OFFICE_CONFIG: FIXTURE,
      PUBLIC_BASE_URL,
      TELNYX_PUBLIC_KEY: PUBLIC_KEY,
      TELNYX_API_KEY: API_KEY,
      TELNYX_API_BASE_URL: `${stub.url}/v2`,
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

  /** Posts an event signed exactly as Telnyx signs it: Ed25519 over `timestamp|body`. */
  async function post(
    payload: unknown,
    options: { key?: KeyObject; timestamp?: number; rawBody?: string; signature?: string | null } = {},
  ) {
    const body = JSON.stringify(payload);
    const timestamp = String(options.timestamp ?? Math.floor(Date.now() / 1000));
    const headers: Record<string, string> = {
      'content-type': 'application/json',
      'telnyx-timestamp': timestamp,
    };
    const signature =
      options.signature === undefined
        ? sign(null, Buffer.from(`${timestamp}|${body}`), options.key ?? telnyxKeys.privateKey).toString(
            'base64',
          )
        : options.signature;
    if (signature !== null) headers['telnyx-signature-ed25519'] = signature;
    const response = await fetch(`${service.url}/webhooks/telnyx/call-control`, {
      method: 'POST',
      headers,
      body: options.rawBody ?? body,
    });
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  }

  function commandsFor(
    call: ReturnType<typeof newCall>,
  ): { action: string; body: Record<string, unknown> }[] {
    return stub.requests
      .filter((request) =>
        request.path.startsWith(`/v2/calls/${encodeURIComponent(call.call_control_id)}/actions/`),
      )
      .map((request: RecordedRequest) => ({
        action: request.path.split('/').at(-1)!,
        body: JSON.parse(request.body) as Record<string, unknown>,
      }));
  }

  async function commandCount(call: ReturnType<typeof newCall>, count: number) {
    const deadline = Date.now() + 5000;
    while (commandsFor(call).length < count && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 50));
    return commandsFor(call);
  }

  it('answers and gathers, enqueues with the contact in client_state, transfers to the operator who accepts, and completes', async () => {
    const call = newCall();
    const initiated = event('call.initiated', call);
    expect(await post(initiated)).toEqual({ status: 200, body: {} });
    let commands = await commandCount(call, 3);
    expect(commands.map((command) => command.action)).toEqual([
      'answer',
      'gather_using_speak',
      'transcription_start',
    ]);
    expect(commands[0]!.body.command_id).toBe(`${initiated.data.id}:0:answer`);
    expect(commands[1]!.body).toMatchObject({
      language: 'it-IT',
      minimum_digits: 1,
      maximum_digits: 1,
      payload: expect.stringMatching(/^Benvenuti in Test/),
    });
    const auth = stub.requests.find((request) => request.path.endsWith('/answer'))!.headers.authorization;
    expect(auth).toBe(`Bearer ${API_KEY}`);

    // A retried delivery of the same event (same data.id) sends nothing again.
    expect((await post(initiated)).status).toBe(200);
    await post(event('call.answered', call));

    expect((await post(event('call.gather.ended', call, { digits: '1', status: 'valid' }))).status).toBe(200);
    commands = await commandCount(call, 7);
    expect(commands.map((command) => command.action)).toEqual([
      'answer',
      'gather_using_speak',
      'transcription_start',
      'transcription_stop',
      'speak',
      'speak',
      'enqueue',
    ]);
    expect(commands[2]!.body).toMatchObject({
      transcription_engine_config: { language: 'it', interim_results: false },
      transcription_tracks: 'inbound',
    });
    expect(commands[4]!.body).toMatchObject({ payload: 'Grazie, attenda in linea.', language: 'it-IT' });
    expect(commands[5]!.body).toMatchObject({ payload: 'Lei è il primo in attesa.' });
    expect(commands[6]!.body).toMatchObject({ queue_name: 'billing' });
    const contactId = Buffer.from(commands[6]!.body.client_state as string, 'base64').toString('utf8');
    // The caller's words transcribed after the digits changed nothing: the menu was answered once.
    await post(
      event('call.transcription', call, { transcription_data: { transcript: 'fattura', is_final: true } }),
    );
    expect((await getContact(service.url, contactId)).state).toBe('queued');

    const anna = await operator('anna');
    const offer = await anna.next('offer');
    expect(offer.contactId).toBe(contactId);
    expect((await anna.send('offer.accept', { offerId: offer.offerId })).ok).toBe(true);
    commands = await commandCount(call, 8);
    expect(commands).toHaveLength(8);
    expect(commands[7]).toMatchObject({
      action: 'transfer',
      body: { to: 'sip:anna@sip.telnyx.com', client_state: commands[6]!.body.client_state },
    });
    expect(commands[7]!.body.command_id).toBe(`accept-${contactId}:0:transfer`);

    await post(event('call.bridged', call));
    expect((await post(event('call.hangup', call, { hangup_cause: 'normal_clearing' }))).status).toBe(200);
    await expect(anna.next('contact.ended')).resolves.toMatchObject({ contactId, state: 'completed' });
    const contact = await getContact(service.url, contactId);
    expect(contact.events.map((e) => e.type)).toEqual([
      'received',
      'triaged',
      'queued',
      'offered',
      'connected',
      'completed',
    ]);
    const wrapUp = await anna.next('operator.state', (state) => state.state === 'wrap_up');
    await anna.next(
      'operator.state',
      (state) => state.state === 'available' && state.since >= wrapUp.since,
      5000,
    );
  });

  it('records a caller who hangs up while waiting as abandoned; a duplicate hang-up changes nothing', async () => {
    const call = newCall();
    await post(event('call.initiated', call));
    await post(event('call.gather.ended', call, { digits: '2' }));
    const commands = await commandCount(call, 7);
    const contactId = Buffer.from(commands.at(-1)!.body.client_state as string, 'base64').toString('utf8');
    const hangup = event('call.hangup', call, { hangup_cause: 'normal_clearing' });
    expect((await post(hangup)).status).toBe(200);
    expect((await post(hangup)).status).toBe(200);
    expect((await post(event('call.hangup', call))).status).toBe(200);
    const contact = await waitForState(service.url, contactId, 'abandoned');
    expect(contact.problemType).toBe('technical_support');
    expect(contact.events.filter((e) => e.type === 'abandoned')).toHaveLength(1);
    expect(contact.events.at(-1)!.data).toMatchObject({ reason: 'hangup' });
  });

  it('asks a vague caller a clarifying question in their language, then queues them by their answer', async () => {
    const call = newCall();
    await post(event('call.initiated', call));
    await commandCount(call, 3);
    const vague = event('call.transcription', call, {
      transcription_data: { transcript: 'salve, buongiorno', is_final: true },
    });
    expect((await post(vague)).status).toBe(200);
    let commands = await commandCount(call, 7);
    expect(commands.slice(3).map((command) => command.action)).toEqual([
      'gather_stop',
      'transcription_stop',
      'gather_using_speak',
      'transcription_start',
    ]);
    const question = commands[5]!.body;
    expect(question).toMatchObject({ language: 'it-IT', minimum_digits: 1 });
    expect(question.payload).toMatch(/Amministrazione|Assistenza|Billing|Support/);
    const clientState = question.client_state as string;
    const [contactId, step] = Buffer.from(clientState, 'base64').toString('utf8').split(':');
    expect(step).toBe('clarify-2');
    expect(commands[6]!.body).toMatchObject({
      client_state: clientState,
      transcription_engine_config: { language: 'it', interim_results: false },
    });
    expect((await getContact(service.url, contactId!)).state).toBe('received');

    // Telnyx reports the answer with the question's client_state; a retry of it sends nothing again.
    const answer = event('call.transcription', call, {
      client_state: clientState,
      transcription_data: { transcript: 'è per la fattura', is_final: true },
    });
    expect((await post(answer)).status).toBe(200);
    expect((await post(answer)).status).toBe(200);
    commands = await commandCount(call, 12);
    expect(commands.slice(7).map((command) => command.action)).toEqual([
      'gather_stop',
      'transcription_stop',
      'speak',
      'speak',
      'enqueue',
    ]);
    expect(commands[11]!.body).toMatchObject({ queue_name: 'billing' });
    // The same answer as digits afterwards (the question's gather ending) changes nothing.
    await post(
      event('call.gather.ended', call, { client_state: clientState, digits: '', status: 'timeout' }),
    );
    await post(event('call.hangup', call, { hangup_cause: 'normal_clearing' }));
    const contact = await waitForState(service.url, contactId!, 'abandoned');
    expect(contact.problemType).toBe('billing');
    expect(contact.events.map((e) => e.type).slice(0, 4)).toEqual([
      'received',
      'clarifying',
      'triaged',
      'queued',
    ]);
    expect(commandsFor(call)).toHaveLength(12);
  });

  it('refuses a wrong key, a tampered body and a stale timestamp, storing and sending nothing', async () => {
    const call = newCall();
    const gathered = event('call.gather.ended', call, { digits: '1' });
    const wrongKey = await post(gathered, { key: generateKeyPairSync('ed25519').privateKey });
    expect(wrongKey).toMatchObject({ status: 403, body: { error: 'signature_invalid' } });
    const signedBody = JSON.stringify(gathered);
    const timestamp = Math.floor(Date.now() / 1000);
    const tampered = await post(gathered, {
      timestamp,
      signature: sign(null, Buffer.from(`${timestamp}|${signedBody}`), telnyxKeys.privateKey).toString(
        'base64',
      ),
      rawBody: signedBody.replace('"digits":"1"', '"digits":"2"'),
    });
    expect(tampered).toMatchObject({ status: 403, body: { error: 'signature_invalid' } });
    const stale = await post(gathered, { timestamp: timestamp - 301 });
    expect(stale).toMatchObject({ status: 401, body: { error: 'signature_expired' } });
    const unsigned = await post(gathered, { signature: null });
    expect(unsigned).toMatchObject({ status: 401, body: { error: 'signature_missing' } });
    expect(commandsFor(call)).toHaveLength(0);

    // Nothing was stored: the hang-up is for an unknown call, answered 200 so Telnyx does not retry.
    expect(await post(event('call.hangup', call))).toEqual({ status: 200, body: {} });
    const malformed = await post({ data: { id: 'x', event_type: 'call.hangup', payload: {} } });
    expect(malformed.status).toBe(400);
  });
});
