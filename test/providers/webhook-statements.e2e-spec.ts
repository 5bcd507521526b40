import { randomBytes, randomUUID } from 'node:crypto';
import { Client, type QueryResultRow } from 'pg';
import { callEnded, callStarted } from '../support/calls';
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
const STATEMENTS = 'centralino_database_statements_total';
const sleep = (ms: number) => new Promise((done) => setTimeout(done, ms));

/**
 * What the hot webhooks cost the database, in SQL statements (each a round trip; a transaction's BEGIN
 * and COMMIT count), read from the service's own counter (`centralino_database_statements_total`): the
 * service runs the http role only, so nothing but the webhook under measure talks to the database. The
 * numbers are exact, so a change that adds a read to one of these paths fails here; one that saves one
 * updates them.
 */
describe('database statements per webhook (http role, PostgreSQL)', () => {
  let service: TestService;
  let stub: RestStub;
  let twilio: TwilioClient;
  let vonage: VonageClient;
  let telnyx: TelnyxClient;

  beforeAll(async () => {
    stub = await new RestStub(() => ({ status: 200, body: { data: { result: 'ok' } } })).start();
    telnyx = new TelnyxClient('', stub.requests);
    service = await startTestService('postgres', {
      CENTRALINO_ROLES: 'http',
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
    // One journey per provider first: what happens once per process (a cache filled) is not measured.
    const warm = callStarted({ digits: '1' });
    await postGenericWebhook(service.url, warm);
    await postGenericWebhook(service.url, callEnded(warm.callId as string));
  }, 90_000);

  afterAll(async () => {
    await service?.stop();
    await stub?.stop();
  });

  /** The contact a webhook's receipt names, read from the database itself (undefined: no receipt). */
  async function receiptOf(provider: string, eventKey: string): Promise<string | null | undefined> {
    const rows = await sql<{ contact_id: string | null }>(
      'SELECT contact_id FROM webhook_receipts WHERE provider = $1 AND event_key = $2',
      [provider, eventKey],
    );
    return rows[0]?.contact_id;
  }

  async function stateOf(provider: string, externalId: string): Promise<string | undefined> {
    const rows = await sql<{ state: string }>(
      'SELECT state FROM contacts WHERE provider = $1 AND external_id = $2',
      [provider, externalId],
    );
    return rows[0]?.state;
  }

  /** A provider's request answered 200 (a refusal would cost other statements for other reasons). */
  async function answered(reply: Promise<{ status: number }>): Promise<void> {
    expect((await reply).status).toBe(200);
  }

  async function eventTypes(contactId: string): Promise<string[]> {
    const rows = await sql<{ type: string }>(
      'SELECT type FROM contact_events WHERE contact_id = $1 ORDER BY at, id',
      [contactId],
    );
    return rows.map((row) => row.type);
  }

  async function sql<T extends QueryResultRow>(text: string, values: unknown[]): Promise<T[]> {
    const client = new Client({ connectionString: service.databaseUrl });
    await client.connect();
    try {
      return (await client.query<T>(text, values)).rows;
    } finally {
      await client.end();
    }
  }

  async function statements(): Promise<number> {
    return (await Scrape.from(service.url)).value(STATEMENTS);
  }

  /** The statements `work` made the service send (it must answer before this returns). */
  async function cost(work: () => Promise<unknown>): Promise<number> {
    const before = await statements();
    await work();
    return (await statements()) - before;
  }

  it('counts every statement, and nothing runs in the background of the http role', async () => {
    expect(await statements()).toBeGreaterThan(0);
    expect(await cost(() => sleep(500))).toBe(0);
  });

  it('generic: a new call.started, its retry, and its call.ended', async () => {
    const started = callStarted({ digits: '1' });
    const costs: Record<string, number> = {};
    costs.started = await cost(async () => {
      const reply = await postGenericWebhook(service.url, started);
      expect(reply.status).toBe(200);
      expect(reply.body).toMatchObject({ state: 'queued', queue: 'billing', duplicate: false });
    });
    costs.retried = await cost(async () => {
      const reply = await postGenericWebhook(service.url, started);
      expect(reply.body).toMatchObject({ state: 'queued', duplicate: true });
    });
    const ended = callEnded(started.callId as string);
    costs.ended = await cost(async () => {
      const reply = await postGenericWebhook(service.url, ended);
      expect(reply.status).toBe(200);
      expect(reply.body).toMatchObject({ state: 'abandoned' });
    });
    // What the statements wrote: one contact, its history, a receipt for each event.
    const contactId = await receiptOf('generic', started.id as string);
    expect(await receiptOf('generic', ended.id)).toBe(contactId);
    expect(await eventTypes(contactId!)).toEqual(['received', 'triaged', 'queued', 'abandoned']);
    expect(costs).toEqual({ started: 1, retried: 1, ended: 2 });
  });

  it('generic: a clarifying question and its answer (call.input)', async () => {
    const started = callStarted({ speech: 'buongiorno' });
    const costs: Record<string, number> = {};
    costs.asked = await cost(async () => {
      const reply = await postGenericWebhook(service.url, started);
      expect(reply.body).toMatchObject({ state: 'received', queue: null, duplicate: false });
    });
    const answer = {
      id: `evt_${randomUUID()}`,
      type: 'call.input',
      callId: started.callId,
      speech: 'è per la fattura',
    };
    costs.answered = await cost(async () => {
      const reply = await postGenericWebhook(service.url, answer);
      expect(reply.body).toMatchObject({ state: 'queued', queue: 'billing', duplicate: false });
    });
    costs.retried = await cost(async () => {
      const reply = await postGenericWebhook(service.url, answer);
      expect(reply.body).toMatchObject({ state: 'queued', queue: 'billing', duplicate: true });
    });
    expect(costs).toEqual({ asked: 2, answered: 3, retried: 2 });
  });

  it("Twilio's gather and status callback, Vonage's input and completed event, Telnyx's menu answer and hang-up", async () => {
    const costs: Record<string, number> = {};
    const sid = `CA${randomBytes(16).toString('hex')}`;
    const call = { CallSid: sid, From: '+393331110001', To: '+390200000000' };
    costs.twilioGather = await cost(() =>
      answered(twilio.post('/webhooks/twilio/voice/gather', { ...call, Digits: '1' })),
    );
    expect(await stateOf('twilio', sid)).toBe('queued');
    costs.twilioStatus = await cost(() =>
      answered(twilio.post('/webhooks/twilio/voice/status', { ...call, CallStatus: 'completed' })),
    );
    expect(await stateOf('twilio', sid)).toBe('abandoned');
    expect(await receiptOf('twilio', `${sid}:status:completed`)).toEqual(expect.any(String));

    const vonageCall = { uuid: randomUUID(), from: '393331110002', to: '390200000000' };
    costs.vonageInput = await cost(() =>
      answered(vonage.post('input', { ...vonageCall, dtmf: { digits: '1' } })),
    );
    expect(await stateOf('vonage', vonageCall.uuid)).toBe('queued');
    costs.vonageEvent = await cost(() =>
      answered(
        vonage.post('event', { ...vonageCall, status: 'completed', timestamp: new Date().toISOString() }),
      ),
    );
    expect(await stateOf('vonage', vonageCall.uuid)).toBe('abandoned');

    const telnyxCall = TelnyxClient.call('+393331110003');
    await telnyx.send('call.initiated', telnyxCall);
    costs.telnyxGather = await cost(() =>
      telnyx.send('call.gather.ended', telnyxCall, { digits: '1', status: 'valid' }),
    );
    expect(await stateOf('telnyx', telnyxCall.call_control_id)).toBe('queued');
    costs.telnyxHangup = await cost(() =>
      telnyx.send('call.hangup', telnyxCall, { hangup_cause: 'normal_clearing' }),
    );
    expect(await stateOf('telnyx', telnyxCall.call_control_id)).toBe('abandoned');
    expect(costs).toEqual({
      twilioGather: 1,
      twilioStatus: 2,
      vonageInput: 1,
      vonageEvent: 2,
      telnyxGather: 3,
      telnyxHangup: 4,
    });
  });
});
