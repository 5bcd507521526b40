import { callEnded, callStarted } from '../support/calls';
import { getContact } from '../support/contacts-api';
import { OperatorClient } from '../support/operator-client';
import { startTestService, TEST_JWT_SECRET, TEST_WEBHOOK_SECRET, TestService } from '../support/test-service';
import { Labels, Scrape } from '../support/prometheus';
import { postGenericWebhook } from '../support/webhook-client';

describe('Prometheus /metrics', () => {
  let service: TestService;
  const clients: OperatorClient[] = [];

  beforeAll(async () => {
    service = await startTestService('pglite');
  });

  afterAll(async () => {
    for (const client of clients) client.close();
    await service.stop();
  });

  async function operator(username: string): Promise<OperatorClient> {
    const client = await OperatorClient.connect(service.url, username);
    clients.push(client);
    return client;
  }

  async function eventually(check: (scrape: Scrape) => boolean, timeoutMs = 5000): Promise<Scrape> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const scrape = await Scrape.from(service.url);
      if (check(scrape) || Date.now() > deadline) return scrape;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  it('exposes every series, including process metrics and event-loop lag', async () => {
    const scrape = await Scrape.from(service.url);
    for (const name of [
      'nodejs_eventloop_lag_seconds',
      'process_resident_memory_bytes',
      'centralino_queue_length',
      'centralino_queue_oldest_wait_seconds',
    ]) {
      expect({ name, present: scrape.has(name) }).toEqual({ name, present: true });
    }
    for (const name of [
      'centralino_webhooks_total',
      'centralino_webhook_signature_failures_total',
      'centralino_contact_transitions_total',
      'centralino_offers_total',
      'centralino_offers_settled_total',
      'centralino_routing_decision_seconds',
      'centralino_dispatch_pool_reads_total',
      'centralino_http_rate_limited_total',
      'centralino_socket_connections',
    ]) {
      expect(scrape.text).toContain(`# TYPE ${name} `);
    }
    // One sample per queue and status, even when empty.
    expect(scrape.value('centralino_queue_length', { queue: 'legal', status: 'waiting' })).toBe(0);
  });

  it('moves the series while calls flow: webhooks, states, queues, offers, outcomes, latency, sockets', async () => {
    const before = await Scrape.from(service.url);

    const anna = await operator('anna');
    await anna.available();
    const afterConnect = await eventually(
      (scrape) => scrape.value('centralino_socket_connections', { namespace: '/operators' }) >= 1,
    );
    expect(afterConnect.value('centralino_socket_connections', { namespace: '/operators' })).toBe(
      before.value('centralino_socket_connections', { namespace: '/operators' }) + 1,
    );

    // A legal call waits: nobody online has the skill.
    const legal = callStarted({ digits: '8' });
    const legalId = (await postGenericWebhook(service.url, legal)).body.contactId as string;
    const waiting = await eventually(
      (scrape) => scrape.value('centralino_queue_oldest_wait_seconds', { queue: 'legal' }) > 0.2,
    );
    expect(waiting.value('centralino_queue_length', { queue: 'legal', status: 'waiting' })).toBe(1);
    expect(waiting.value('centralino_queue_oldest_wait_seconds', { queue: 'legal' })).toBeGreaterThan(0.2);
    expect(waiting.value('centralino_queue_oldest_wait_seconds', { queue: 'billing' })).toBe(0);
    await postGenericWebhook(service.url, callEnded(legal.callId));

    // A billing call is offered to anna, who rejects it; bruno arrives and accepts it.
    const billing = callStarted({ digits: '1' });
    const started = await postGenericWebhook(service.url, billing);
    const billingId = started.body.contactId as string;
    const firstOffer = await anna.next('offer', (offer) => offer.contactId === billingId);
    expect((await anna.send('offer.reject', { offerId: firstOffer.offerId })).ok).toBe(true);

    const bruno = await operator('bruno');
    await bruno.available();
    const secondOffer = await bruno.next('offer', (offer) => offer.contactId === billingId, 8000);
    expect((await bruno.send('offer.accept', { offerId: secondOffer.offerId })).ok).toBe(true);
    await postGenericWebhook(service.url, callEnded(billing.callId, 'completed'));

    // Retried, forged and malformed deliveries.
    expect((await postGenericWebhook(service.url, billing)).body.duplicate).toBe(true);
    expect(
      (await postGenericWebhook(service.url, callStarted(), { secret: 'whsec_forged_000000000000000' }))
        .status,
    ).toBe(403);
    expect((await postGenericWebhook(service.url, callStarted(), { signature: null })).status).toBe(401);
    expect((await postGenericWebhook(service.url, callStarted({ digits: 'abc' }))).status).toBe(400);

    // A support call offered to bruno after his wrap-up, who lets it time out (3 s in the test config).
    const support = callStarted({ digits: '2' });
    const supportId = (await postGenericWebhook(service.url, support)).body.contactId as string;
    const ignored = await bruno.next('offer', (offer) => offer.contactId === supportId, 8000);
    await expect(
      bruno.next('offer.withdrawn', (withdrawn) => withdrawn.offerId === ignored.offerId, 8000),
    ).resolves.toMatchObject({ reason: 'expired' });
    await postGenericWebhook(service.url, callEnded(support.callId));

    const after = await eventually(
      (scrape) =>
        scrape.value('centralino_contact_transitions_total', { state: 'abandoned' }) >=
        before.value('centralino_contact_transitions_total', { state: 'abandoned' }) + 2,
    );
    const delta = (name: string, labels: Labels = {}) =>
      after.value(name, labels) - before.value(name, labels);

    expect(delta('centralino_webhooks_total', { provider: 'generic', outcome: 'accepted' })).toBe(6);
    expect(delta('centralino_webhooks_total', { provider: 'generic', outcome: 'duplicate' })).toBe(1);
    expect(delta('centralino_webhooks_total', { provider: 'generic', outcome: 'rejected_signature' })).toBe(
      2,
    );
    expect(delta('centralino_webhooks_total', { provider: 'generic', outcome: 'invalid' })).toBe(1);
    expect(
      delta('centralino_webhook_signature_failures_total', { provider: 'generic', reason: 'invalid' }),
    ).toBe(1);
    expect(
      delta('centralino_webhook_signature_failures_total', { provider: 'generic', reason: 'missing' }),
    ).toBe(1);

    // State transitions match the contacts' event logs exactly.
    const events = [
      ...(await getContact(service.url, billingId)).events,
      ...(await getContact(service.url, supportId)).events,
      ...(await getContact(service.url, legalId)).events,
    ];
    const count = (predicate: (event: (typeof events)[number]) => boolean) => events.filter(predicate).length;
    for (const state of ['received', 'queued', 'offered', 'connected', 'completed', 'abandoned']) {
      expect({ state, moved: delta('centralino_contact_transitions_total', { state }) }).toEqual({
        state,
        moved: count((event) => event.type === state),
      });
    }
    expect(delta('centralino_contact_transitions_total', { state: 'connected' })).toBe(1);
    expect(delta('centralino_contact_transitions_total', { state: 'completed' })).toBe(1);
    expect(delta('centralino_contact_transitions_total', { state: 'abandoned' })).toBe(2);

    // Offers and their outcomes: every offer is settled exactly once.
    for (const queue of ['billing', 'technical_support']) {
      const offered = count((event) => event.type === 'offered' && event.data.queue === queue);
      expect(delta('centralino_offers_total', { queue })).toBe(offered);
      expect(delta('centralino_offers_settled_total', { queue })).toBe(offered);
      expect(delta('centralino_routing_decision_seconds_count', { queue })).toBe(offered);
    }
    expect(delta('centralino_offers_settled_total', { queue: 'billing', outcome: 'accepted' })).toBe(1);
    expect(delta('centralino_offers_settled_total', { queue: 'billing', outcome: 'rejected' })).toBe(1);
    expect(delta('centralino_offers_settled_total', { queue: 'technical_support', outcome: 'expired' })).toBe(
      1,
    );
    expect(after.value('centralino_routing_decision_seconds_sum', { queue: 'billing' })).toBeGreaterThan(0);

    for (const queue of ['billing', 'technical_support', 'legal']) {
      expect(after.value('centralino_queue_length', { queue })).toBe(0);
    }

    // No personal data or secrets in any label or value.
    for (const secret of [
      '+393331234567',
      '3331234567',
      TEST_WEBHOOK_SECRET,
      TEST_JWT_SECRET,
      billingId,
      legalId,
    ]) {
      expect(after.text).not.toContain(secret);
    }

    anna.close();
    bruno.close();
    clients.length = 0;
    const closed = await eventually(
      (scrape) =>
        scrape.value('centralino_socket_connections', { namespace: '/operators' }) ===
        before.value('centralino_socket_connections', { namespace: '/operators' }),
    );
    expect(closed.value('centralino_socket_connections', { namespace: '/operators' })).toBe(
      before.value('centralino_socket_connections', { namespace: '/operators' }),
    );
  });
});
