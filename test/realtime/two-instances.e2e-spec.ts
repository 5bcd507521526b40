import { resolve } from 'node:path';
import { OperatorClient } from '../support/operator-client';
import { callEnded, callStarted } from '../support/calls';
import { SupervisorClient } from '../support/supervisor-client';
import { startTestService, TestService } from '../support/test-service';
import { postGenericWebhook } from '../support/webhook-client';

const CONSOLES_FRONT_OFFICE = resolve(__dirname, '../fixtures/front-office.consoles.yaml');

/**
 * Two instances of one deployment (same Redis prefix, same PostgreSQL database), as behind a load
 * balancer: a console on instance A is reached by what happens on instance B.
 */
describe('two service instances behind a load balancer', () => {
  let a: TestService;
  let b: TestService;
  const clients: { close(): void }[] = [];

  beforeAll(async () => {
    a = await startTestService('postgres', { FRONT_OFFICE_CONFIG: CONSOLES_FRONT_OFFICE });
    b = await startTestService(
      'postgres',
      { FRONT_OFFICE_CONFIG: CONSOLES_FRONT_OFFICE },
      { sameStoreAs: a },
    );
  });

  afterAll(async () => {
    for (const client of clients) client.close();
    await b?.stop();
    await a?.stop();
  });

  it('delivers an offer made for a webhook on instance B to the console on instance A, and the rest of the call', async () => {
    expect(a.url).not.toBe(b.url);
    const anna = await OperatorClient.connect(a.url, 'anna');
    clients.push(anna);
    // The dashboard is on instance B, the console on A.
    const dashboard = await SupervisorClient.connect(b.url, 'sara');
    clients.push(dashboard);
    await dashboard.until((snapshot) => snapshot.operators.some((entry) => entry.id === anna.operatorId));

    const call = callStarted({ digits: '1' });
    const started = await postGenericWebhook(b.url, call);
    expect(started.body).toMatchObject({ state: 'queued', queue: 'billing' });
    const contactId = started.body.contactId as string;
    await dashboard.until((snapshot) => dashboard.queue(snapshot, 'billing').waiting === 1);

    await anna.available();
    const offer = await anna.next('offer', (payload) => payload.contactId === contactId);
    expect(offer.expiresAt).toBeGreaterThan(Date.now());
    await dashboard.until((snapshot) => dashboard.queue(snapshot, 'billing').offered === 1);

    // Accepted on A, ended by a webhook on B: the console on A hears about it.
    await expect(anna.send('offer.accept', { offerId: offer.offerId })).resolves.toMatchObject({ ok: true });
    const endedAt = Date.now();
    await postGenericWebhook(b.url, callEnded(call.callId, 'completed'));
    await expect(anna.next('contact.ended')).resolves.toMatchObject({ contactId, state: 'completed' });

    // A console reconnecting to the other instance gets the same state in its snapshot.
    const { token } = await OperatorClient.login(b.url, 'anna');
    const onB = await OperatorClient.connectWithToken(b.url, token, anna.operatorId);
    clients.push(onB);
    expect(onB.snapshot!.state.state).toBe('wrap_up');
    // Both consoles of anna (one per instance) get the end of wrap-up.
    await Promise.all(
      [anna, onB].map((client) =>
        client.next('operator.state', (state) => state.state === 'available' && state.since >= endedAt, 8000),
      ),
    );
  });

  it('fans a supervisor broadcast sent on instance B out to consoles and dashboards on both instances', async () => {
    const carla = await OperatorClient.connect(a.url, 'carla');
    const bruno = await OperatorClient.connect(b.url, 'bruno');
    clients.push(carla, bruno);
    const dashboardOnA = await SupervisorClient.connect(a.url, 'root');
    const sender = await SupervisorClient.connect(b.url, 'sara');
    clients.push(dashboardOnA, sender);
    const seenOnA = new Promise((resolve) => dashboardOnA.socket.once('broadcast', resolve));

    const ack = await sender.socket.emitWithAck('broadcast', { text: 'Lines are busy: keep calls short' });
    expect(ack).toMatchObject({ ok: true, data: { text: 'Lines are busy: keep calls short' } });
    const sent = (ack as { data: unknown }).data;
    // Each console gets it exactly once, whichever instance it is on.
    for (const console of [carla, bruno]) {
      await expect(console.next('broadcast')).resolves.toEqual(sent);
      await expect(console.quietFor('broadcast', 500)).resolves.toBe(true);
    }
    await expect(seenOnA).resolves.toEqual(sent);
  });
});
