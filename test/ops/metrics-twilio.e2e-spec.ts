import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { RestStub } from '../providers/rest-stub';
import { getContact } from '../support/contacts-api';
import { OperatorClient } from '../support/operator-client';
import { Scrape } from '../support/prometheus';
import { startTestService, TestService } from '../support/test-service';
import { TwilioClient } from '../support/twilio-client';

const PUBLIC_BASE_URL = 'https://centralino.example.com';
const AUTH_TOKEN = randomBytes(16).toString('hex');
const ACCOUNT_SID = `AC${randomBytes(16).toString('hex')}`;
const FIXTURE = resolve(__dirname, '../fixtures/front-office.providers.yaml');

/**
 * The metrics audit: one call through Twilio, from the first webhook to the hang-up, moves every series
 * the issue lists, and its correlation id (the contact id) is on the webhook's, the job's and the socket
 * event's log lines.
 */
describe('Metrics and correlation while a Twilio call flows', () => {
  let service: TestService;
  let stub: RestStub;
  let twilio: TwilioClient;
  let logDir: string;
  let logFile: string;

  beforeAll(async () => {
    logDir = mkdtempSync(join(tmpdir(), 'centralino-logs-'));
    logFile = join(logDir, 'centralino.log');
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
      LOG_LEVEL: 'debug',
      LOG_FILE: logFile,
    });
    twilio = new TwilioClient(service.url, PUBLIC_BASE_URL, AUTH_TOKEN);
  }, 120_000);

  afterAll(async () => {
    await service?.stop();
    await stub?.stop();
    rmSync(logDir, { recursive: true, force: true });
  });

  async function eventually(check: (scrape: Scrape) => boolean, timeoutMs = 10_000): Promise<Scrape> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const scrape = await Scrape.from(service.url);
      if (check(scrape) || Date.now() > deadline) return scrape;
      await new Promise((done) => setTimeout(done, 50));
    }
  }

  it('moves webhooks, signature failures, states, offers, accepts, routing latency and sockets', async () => {
    const before = await Scrape.from(service.url);
    const delta = (scrape: Scrape, name: string, labels: Record<string, string> = {}) =>
      scrape.value(name, labels) - before.value(name, labels);

    const anna = await OperatorClient.connect(service.url, 'anna');
    try {
      await anna.available();
      const call = {
        CallSid: `CA${randomBytes(16).toString('hex')}`,
        AccountSid: ACCOUNT_SID,
        From: '+393331234567',
        To: '+390200000000',
        CallStatus: 'ringing',
        Direction: 'inbound',
      };
      expect((await twilio.post('/webhooks/twilio/voice', call)).status).toBe(200);
      const gathered = await twilio.post('/webhooks/twilio/voice/gather', {
        ...call,
        CallStatus: 'in-progress',
        Digits: '1',
      });
      expect(gathered.twiml.Response.Enqueue['#text']).toBe('billing');
      const offer = await anna.next('offer');
      const contactId = offer.contactId;
      expect((await anna.send('offer.accept', { offerId: offer.offerId })).ok).toBe(true);
      await twilio.post('/webhooks/twilio/voice/dial-result', { ...call, DialCallStatus: 'completed' });
      const completed = await twilio.post('/webhooks/twilio/voice/status', {
        ...call,
        CallStatus: 'completed',
        CallDuration: '42',
      });
      expect(completed.status).toBe(200);
      await anna.next('contact.ended', (ended) => ended.contactId === contactId);
      expect((await getContact(service.url, contactId)).state).toBe('completed');
      // A forged delivery and one without a signature.
      expect(
        (await twilio.post('/webhooks/twilio/voice', call, { token: 'not-the-auth-token' })).status,
      ).toBe(403);
      expect((await twilio.post('/webhooks/twilio/voice', call, { signature: null })).status).toBe(403);

      const after = await eventually(
        (scrape) => delta(scrape, 'centralino_contact_transitions_total', { state: 'completed' }) >= 1,
      );
      expect(delta(after, 'centralino_socket_connections', { namespace: '/operators' })).toBe(1);
      expect(
        delta(after, 'centralino_webhooks_total', { provider: 'twilio', outcome: 'accepted' }),
      ).toBeGreaterThanOrEqual(3);
      expect(
        delta(after, 'centralino_webhooks_total', { provider: 'twilio', outcome: 'rejected_signature' }),
      ).toBe(2);
      expect(delta(after, 'centralino_webhook_signature_failures_total', { provider: 'twilio' })).toBe(2);
      for (const state of ['received', 'triaged', 'queued', 'offered', 'connected', 'completed']) {
        expect({ state, moved: delta(after, 'centralino_contact_transitions_total', { state }) }).toEqual({
          state,
          moved: 1,
        });
      }
      expect(delta(after, 'centralino_offers_total', { queue: 'billing' })).toBe(1);
      expect(delta(after, 'centralino_offers_settled_total', { queue: 'billing', outcome: 'accepted' })).toBe(
        1,
      );
      expect(delta(after, 'centralino_routing_decision_seconds_count', { queue: 'billing' })).toBe(1);
      expect(delta(after, 'centralino_routing_decision_seconds_sum', { queue: 'billing' })).toBeGreaterThan(
        0,
      );

      // The correlation id, through the webhook, the dispatcher's job and the socket events.
      const entries = readFileSync(logFile, 'utf8')
        .trim()
        .split('\n')
        .map((line) => JSON.parse(line) as Record<string, unknown>);
      const journey = entries.filter((entry) => entry.correlationId === contactId);
      const queued = journey.find((entry) => entry.msg === 'Contact queued');
      // Logged by the gather webhook's handler, caller masked.
      expect(queued).toMatchObject({ provider: 'twilio', from: '+39***567', queue: 'billing' });
      expect(journey.find((entry) => entry.msg === 'Offered')).toMatchObject({
        jobId: contactId,
        operatorId: anna.operatorId,
        queue: 'billing',
      });
      const socketEvents = journey
        .filter((entry) => entry.msg === 'Socket event')
        .map((entry) => entry.event);
      expect(socketEvents).toEqual(expect.arrayContaining(['offer', 'contact.connected', 'contact.ended']));
      expect(journey.find((entry) => entry.msg === 'Contact ended')).toMatchObject({ state: 'completed' });
      // The webhook comes first; then the dispatcher's job emits the offer (and logs it).
      const at = (msg: string) => journey.findIndex((entry) => entry.msg === msg);
      expect(at('Contact queued')).toBeLessThan(at('Offered'));
      expect(at('Contact queued')).toBeLessThan(journey.findIndex((entry) => entry.event === 'offer'));
    } finally {
      await anna.send('state.set', { state: 'away', reason: 'test over' }).catch(() => undefined);
      anna.close();
    }
    const closed = await eventually(
      (scrape) => delta(scrape, 'centralino_socket_connections', { namespace: '/operators' }) === 0,
    );
    expect(delta(closed, 'centralino_socket_connections', { namespace: '/operators' })).toBe(0);
  });
});
