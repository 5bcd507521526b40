import { resolve } from 'node:path';
import { OperatorClient } from '../support/operator-client';
import { callEnded, callStarted } from '../support/calls';
import { SupervisorClient } from '../support/supervisor-client';
import { startTestService, TestService } from '../support/test-service';
import { postGenericWebhook } from '../support/webhook-client';

export const CONSOLES_FRONT_OFFICE = resolve(__dirname, '../fixtures/front-office.consoles.yaml');

describe('realtime contract (socket.io, real clients)', () => {
  let service: TestService;
  const operators: OperatorClient[] = [];
  const supervisors: SupervisorClient[] = [];

  beforeAll(async () => {
    service = await startTestService('pglite', { FRONT_OFFICE_CONFIG: CONSOLES_FRONT_OFFICE });
  });

  afterEach(async () => {
    while (operators.length) {
      const client = operators.pop()!;
      await client.send('state.set', { state: 'away', reason: 'test over' }).catch(() => undefined);
      client.close();
    }
    while (supervisors.length) supervisors.pop()!.close();
  });

  afterAll(async () => {
    await service.stop();
  });

  async function operator(username: string, available = true): Promise<OperatorClient> {
    const client = await OperatorClient.connect(service.url, username);
    operators.push(client);
    if (available) await client.available();
    return client;
  }

  async function supervisor(username = 'sara'): Promise<SupervisorClient> {
    const client = await SupervisorClient.connect(service.url, username);
    supervisors.push(client);
    return client;
  }

  it('refuses an operator token at the /supervisors handshake and admits supervisors and admins', async () => {
    const { token } = await OperatorClient.login(service.url, 'anna');
    const refused = SupervisorClient.connectWithToken(service.url, token);
    await expect(refused).rejects.toThrow(/needs one of the roles: supervisor, admin/);
    await expect(refused).rejects.toMatchObject({ data: { code: 'forbidden' } });
    await expect(SupervisorClient.connectWithToken(service.url, undefined)).rejects.toMatchObject({
      message: expect.stringMatching(/access token is required/),
      data: { code: 'unauthenticated' },
    });
    await expect(SupervisorClient.connectWithToken(service.url, 'not-a-jwt')).rejects.toThrow(
      /Invalid access token/,
    );

    for (const username of ['sara', 'root']) {
      const dashboard = await supervisor(username);
      expect(dashboard.latest!.queues.map((queue) => queue.id)).toEqual(
        expect.arrayContaining(['billing', 'technical_support', 'reception']),
      );
    }
  });

  it('sends an offer only to the operator it is for, and nobody can answer an offer that is not theirs', async () => {
    const anna = await operator('anna');
    const bruno = await operator('bruno');
    // A console cannot ask to join another operator's room: no such message exists, and trying changes nothing.
    anna.socket.emit('join', { room: `operator:${bruno.operatorId}` });

    const call = callStarted({ digits: '1' });
    const contactId = (await postGenericWebhook(service.url, call)).body.contactId as string;
    const offered = await Promise.race([
      anna.next('offer', (offer) => offer.contactId === contactId).then((offer) => ({ offer, to: anna })),
      bruno.next('offer', (offer) => offer.contactId === contactId).then((offer) => ({ offer, to: bruno })),
    ]);
    const other = offered.to === anna ? bruno : anna;
    await expect(other.quietFor('offer', 1500)).resolves.toBe(true);
    expect(other.received.filter((entry) => entry.event.startsWith('offer'))).toEqual([]);

    await expect(other.send('offer.accept', { offerId: offered.offer.offerId })).resolves.toMatchObject({
      ok: false,
      error: { code: 'offer_not_pending' },
    });
    await expect(other.send('offer.reject', { offerId: offered.offer.offerId })).resolves.toMatchObject({
      ok: false,
      error: { code: 'offer_not_pending' },
    });
    // Still pending for its operator, who can take it.
    await expect(offered.to.send('offer.accept', { offerId: offered.offer.offerId })).resolves.toMatchObject({
      ok: true,
      data: { contactId, state: 'connected' },
    });
    await expect(other.quietFor('contact.connected', 500)).resolves.toBe(true);
    await postGenericWebhook(service.url, callEnded(call.callId, 'completed'));
    await expect(offered.to.next('contact.ended')).resolves.toMatchObject({ contactId });
    await expect(other.quietFor('contact.ended', 500)).resolves.toBe(true);
    await afterWrapUp(offered.to);
  });

  it('restores the pending offer with the same expiry in the snapshot after a reconnect, then takes the answer', async () => {
    const { token, operatorId } = await OperatorClient.login(service.url, 'anna');
    const first = await OperatorClient.connectWithToken(service.url, token, operatorId);
    operators.push(first);
    await first.available();
    const call = callStarted({ digits: '1', speech: 'ho un problema con la fattura', language: 'it' });
    const contactId = (await postGenericWebhook(service.url, call)).body.contactId as string;
    const offer = await first.next('offer', (payload) => payload.contactId === contactId);

    first.close();
    operators.splice(operators.indexOf(first), 1);
    await new Promise((resolve) => setTimeout(resolve, 300));

    const again = await OperatorClient.connectWithToken(service.url, token, operatorId);
    operators.push(again);
    const snapshot = again.snapshot!;
    expect(snapshot.state.state).toBe('reserved');
    expect(snapshot.offer).toMatchObject({
      offerId: offer.offerId,
      contactId,
      expiresAt: offer.expiresAt,
      caller: '+39***567',
    });
    // Nothing is shown twice: the offer is not sent again as a delta.
    await expect(again.quietFor('offer', 800)).resolves.toBe(true);

    await expect(again.send('offer.accept', { offerId: offer.offerId })).resolves.toMatchObject({ ok: true });
    await postGenericWebhook(service.url, callEnded(call.callId, 'completed'));
    await expect(again.next('contact.ended')).resolves.toMatchObject({ contactId, state: 'completed' });
    await afterWrapUp(again);
  });

  it('pushes queue snapshots about once a second that follow a contact from waiting to offered to connected', async () => {
    const dashboard = await supervisor();
    const anna = await operator('anna', false);
    const call = callStarted({ digits: '1' });
    const contactId = (await postGenericWebhook(service.url, call)).body.contactId as string;

    const waiting = await dashboard.until((snapshot) => dashboard.queue(snapshot, 'billing').waiting === 1);
    const billing = dashboard.queue(waiting, 'billing');
    expect(billing.offered).toBe(0);
    expect(billing.waitingContacts).toEqual([
      expect.objectContaining({ contactId, enqueuedAt: billing.oldestEnqueuedAt, language: 'it' }),
    ]);
    expect(billing.oldestEnqueuedAt).toBeLessThanOrEqual(waiting.at);
    expect(billing.operators.away).toBeGreaterThanOrEqual(1);
    // Nobody who takes billing is working (anna is away): no estimate can be given.
    const { available, reserved, busy, wrap_up } = billing.operators;
    if (available + reserved + busy + wrap_up === 0) expect(billing.estimatedWaitSeconds).toBeNull();
    expect(waiting.operators).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          id: anna.operatorId,
          displayName: 'Anna',
          state: 'away',
          skills: ['billing', 'reception'],
        }),
      ]),
    );

    await anna.available();
    const offer = await anna.next('offer', (payload) => payload.contactId === contactId);
    const ringing = await dashboard.until((snapshot) => dashboard.queue(snapshot, 'billing').offered === 1);
    expect(dashboard.queue(ringing, 'billing')).toMatchObject({ waiting: 0, offered: 1 });
    // Anna is working now: a newcomer would be next, served within about half a handle time.
    expect(dashboard.queue(ringing, 'billing').estimatedWaitSeconds).toBeGreaterThan(0);
    expect(ringing.operators.find((entry) => entry.id === anna.operatorId)?.state).toBe('reserved');

    await anna.send('offer.accept', { offerId: offer.offerId });
    const connected = await dashboard.until(
      (snapshot) =>
        dashboard.queue(snapshot, 'billing').offered === 0 &&
        dashboard.queue(snapshot, 'billing').operators.busy === 1,
    );
    expect(dashboard.queue(connected, 'billing')).toMatchObject({ waiting: 0, longestWaitSeconds: 0 });
    const before = dashboard.queue(waiting, 'billing').today;
    // Today's figures are cached for up to 5 s: a snapshot taken 5 s after the answer includes it.
    const acceptedAt = Date.now();
    const answered = await dashboard.until((snapshot) => snapshot.at >= acceptedAt + 5_000, 12_000);
    const today = dashboard.queue(answered, 'billing').today;
    expect(today.answered).toBeGreaterThanOrEqual(before.answered + 1);
    // Every billing contact of this file is answered within seconds, none abandoned.
    expect(today).toMatchObject({ targetSeconds: 20, answeredWithinTarget: today.answered, abandoned: 0 });
    expect(today.serviceLevelPercent).toBe(100);
    expect(today.averageSpeedOfAnswerSeconds).toBeGreaterThanOrEqual(0);
    expect(today.since).toBeLessThanOrEqual(answered.at);

    // Throttled: a handful of snapshots in two seconds, however much happens.
    let count = 0;
    dashboard.socket.on('queues.snapshot', () => count++);
    await new Promise((resolve) => setTimeout(resolve, 2100));
    expect(count).toBeGreaterThanOrEqual(1);
    expect(count).toBeLessThanOrEqual(3);
    await postGenericWebhook(service.url, callEnded(call.callId, 'completed'));
    await afterWrapUp(anna);
  });
});

/** Wrap-up lasts 3 s in this front office; the next test wants the operator free. */
async function afterWrapUp(client: OperatorClient): Promise<void> {
  const deadline = Date.now() + 8000;
  while (!(await client.send('state.set', { state: 'available' })).ok) {
    if (Date.now() > deadline) throw new Error('the operator did not leave wrap-up');
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}
