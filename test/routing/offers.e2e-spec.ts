import { randomUUID } from 'node:crypto';
import { RedisService } from '@centralino/redis';
import { QueueRegistry } from '@centralino/queueing';
import { OperatorStateStore, ReconcilerService } from '@centralino/routing';
import { getContact, waitForState } from '../support/contacts-api';
import { OperatorClient } from '../support/operator-client';
import { startTestService, TestService } from '../support/test-service';
import { postGenericWebhook } from '../support/webhook-client';

/** Offer timeouts, auto-pause, presence and wait estimates (fixture: offer 3 s, 2 misses, grace 2 s). */
describe('offers and presence', () => {
  let service: TestService;
  const clients: OperatorClient[] = [];

  beforeAll(async () => {
    service = await startTestService('postgres');
  });

  afterEach(async () => {
    for (const client of clients.splice(0)) {
      await client.send('state.set', { state: 'away' }).catch(() => undefined);
      client.close();
    }
  });

  afterAll(async () => {
    await service.stop();
  });

  async function operator(username: string): Promise<OperatorClient> {
    const client = await OperatorClient.connect(service.url, username);
    clients.push(client);
    await client.available();
    return client;
  }

  async function call(digits: string) {
    const callId = `call_${randomUUID()}`;
    const response = await postGenericWebhook(service.url, {
      id: `evt_${randomUUID()}`,
      type: 'call.started',
      callId,
      from: '+40721000111',
      to: '+390200000000',
      digits,
    });
    return { callId, contactId: response.body.contactId as string, body: response.body };
  }

  async function hangUp(callId: string) {
    await postGenericWebhook(service.url, { id: `evt_${randomUUID()}`, type: 'call.ended', callId });
  }

  it('re-offers an unanswered offer after the timeout and sets an operator away after two misses', async () => {
    const carla = await operator('carla');
    const { callId, contactId } = await call('8');
    const first = await carla.next('offer', (offer) => offer.contactId === contactId);
    await expect(
      carla.next('offer.withdrawn', (w) => w.offerId === first.offerId, 6000),
    ).resolves.toMatchObject({ reason: 'expired' });
    const second = await carla.next('offer', (offer) => offer.contactId === contactId, 6000);
    await expect(
      carla.next('offer.withdrawn', (w) => w.offerId === second.offerId, 6000),
    ).resolves.toMatchObject({ reason: 'expired' });
    await expect(
      carla.next('operator.state', (state) => state.state === 'away', 3000),
    ).resolves.toMatchObject({ reason: 'missed_offers' });
    expect((await getContact(service.url, contactId)).state).toBe('queued');
    await expect(carla.quietFor('offer', 1000)).resolves.toBe(true);

    // Back to available: the contact, still first in line, is offered again.
    await carla.available();
    const third = await carla.next('offer', (offer) => offer.contactId === contactId);
    expect((await carla.send('offer.accept', { offerId: third.offerId })).ok).toBe(true);
    await hangUp(callId);
    const contact = await waitForState(service.url, contactId, 'completed');
    const requeues = contact.events.filter((event) => event.type === 'queued').slice(1);
    expect(requeues.map((event) => event.data.reason)).toEqual(['expired', 'expired']);
  });

  it('restores a pending offer with its deadline when the console reconnects within the grace period', async () => {
    const carla = await operator('carla');
    const { callId, contactId } = await call('8');
    const offer = await carla.next('offer', (payload) => payload.contactId === contactId);
    carla.close();
    const again = await OperatorClient.connect(service.url, 'carla');
    clients.push(again);
    const snapshot = again.snapshot!;
    expect(snapshot.offer).toMatchObject({ offerId: offer.offerId, expiresAt: offer.expiresAt });
    expect((await again.send('offer.accept', { offerId: offer.offerId })).ok).toBe(true);
    await hangUp(callId);
    await waitForState(service.url, contactId, 'completed');
  });

  it('logs out an operator whose console stays away beyond the grace period and hands their offer back', async () => {
    const carla = await operator('carla');
    const { callId, contactId } = await call('8');
    await carla.next('offer', (payload) => payload.contactId === contactId);
    carla.close();
    const contact = await waitForState(service.url, contactId, 'queued', 8000);
    expect(contact.events.at(-1)).toMatchObject({ type: 'queued', data: { reason: 'operator_offline' } });
    // Carla's next login starts away ("not ready"): nothing is offered until she chooses available.
    const back = await OperatorClient.connect(service.url, 'carla');
    clients.push(back);
    const snapshot = back.snapshot!;
    expect(snapshot.state.state).toBe('away');
    await expect(back.quietFor('offer', 800)).resolves.toBe(true);
    await hangUp(callId);
  });

  it('tells a waiting caller their position and an estimated wait from the staff and handle times', async () => {
    // Only bruno, who is not logged in here, can take technical support.
    const { callId: unstaffed, body: noStaff } = await call('2');
    expect(noStaff).toMatchObject({ position: 1, estimatedWait: null });
    await hangUp(unstaffed);

    const anna = await operator('anna');
    const first = await call('1');
    const offer = await anna.next('offer', (payload) => payload.contactId === first.contactId);
    expect((await anna.send('offer.accept', { offerId: offer.offerId })).ok).toBe(true);
    // Anna is busy: the next caller is first in line, served when she is free (half a default handle
    // time of 180 s on average, with nothing measured yet for the queue).
    const second = await call('1');
    expect(second.body).toMatchObject({ position: 1, estimatedWait: { expected: 90 } });
    const wait = second.body.estimatedWait as { low: number; high: number };
    expect(wait.low).toBeLessThan(90);
    expect(wait.high).toBeGreaterThan(90);
    const third = await call('1');
    expect(third.body).toMatchObject({ position: 2, estimatedWait: { expected: 270 } });
    await Promise.all([first, second, third].map(({ callId }) => hangUp(callId)));
  });

  it('counts an operator as staff while available or busy, not while away', async () => {
    // Bruno is the only one with technical support; logged in but away he staffs nothing.
    const bruno = await operator('bruno');
    expect((await bruno.send('state.set', { state: 'away', reason: 'break' })).ok).toBe(true);
    const whileAway = await call('2');
    expect(whileAway.body).toMatchObject({ position: 1, estimatedWait: null });
    // Back from away he is offered that call; once busy with it, the next caller counts on him.
    await bruno.available();
    const offer = await bruno.next('offer', (payload) => payload.contactId === whileAway.contactId);
    expect((await bruno.send('offer.accept', { offerId: offer.offerId })).ok).toBe(true);
    const whileBusy = await call('2');
    expect(whileBusy.body).toMatchObject({ position: 1, estimatedWait: { expected: 90 } });
    await Promise.all([whileAway, whileBusy].map(({ callId }) => hangUp(callId)));
  });
  it("rebuilds the away set and the idle index from the operators' states (as after an upgrade)", async () => {
    const bruno = await operator('bruno');
    expect((await bruno.send('state.set', { state: 'away', reason: 'break' })).ok).toBe(true);
    const redis = service.running.app.get(RedisService);
    const away = redis.key('ops', 'away');
    const idle = redis.key('ops', 'idle');
    // As after an upgrade from a version without the set: Bruno is away but not in it.
    await redis.client.srem(away, bruno.operatorId);
    const store = service.running.app.get(OperatorStateStore);
    expect(await store.workingIds()).toContain(bruno.operatorId);
    const version = await store.staffingVersion();
    await expect(store.rebuildIndexes()).resolves.toBeGreaterThanOrEqual(1);
    expect(await redis.client.smembers(away)).toContain(bruno.operatorId);
    expect(await store.workingIds()).not.toContain(bruno.operatorId);
    // The away set changed, so the kept staff counts are stale: the version moved. A rebuild that
    // changes nothing (the reconciler's, every pass) leaves it.
    const rebuilt = await store.staffingVersion();
    expect(rebuilt).not.toBe(version);
    await store.rebuildIndexes();
    expect(await store.staffingVersion()).toBe(rebuilt);
    // Available again: out of the set, staff again, and in the idle index with when he became idle.
    await bruno.available();
    const idleSince = Number(await redis.client.zscore(idle, bruno.operatorId));
    expect(idleSince).toBeGreaterThan(0);
    // As after an upgrade from a version with only the plain available set, or a change made by an
    // instance of that version: Bruno is available but not in the index.
    await redis.client.zrem(idle, bruno.operatorId);
    await store.rebuildIndexes();
    expect(await redis.client.smembers(away)).not.toContain(bruno.operatorId);
    expect(Number(await redis.client.zscore(idle, bruno.operatorId))).toBe(idleSince);
    // The plain set is kept too, for instances of the previous version during a rolling upgrade.
    expect(await redis.client.smembers(redis.key('ops', 'available'))).toContain(bruno.operatorId);
    expect(await store.workingIds()).toContain(bruno.operatorId);
  });

  it('gives a queued contact whose job was lost its job back (the reconciler), and it is then offered', async () => {
    // Nobody for billing: the call waits. Then its job vanishes, as after a Redis restore.
    const lost = await call('1');
    const kept = await call('1');
    expect(lost.body).toMatchObject({ position: 1 });
    const line = service.running.app.get(QueueRegistry).waitingLine('billing');
    await line.remove(lost.contactId);
    expect(await line.getJob(lost.contactId)).toBeUndefined();
    await service.running.app.get(ReconcilerService).reconcile();
    expect((await line.getJob(lost.contactId))?.data).toMatchObject({ contactId: lost.contactId });
    expect(await line.getJob(kept.contactId)).toBeDefined();
    expect((await getContact(service.url, lost.contactId)).state).toBe('queued');
    const anna = await operator('anna');
    const offer = await anna.next('offer', (next) => next.contactId === lost.contactId, 8000);
    expect((await anna.send('offer.reject', { offerId: offer.offerId })).ok).toBe(true);
    await Promise.all([lost, kept].map(({ callId }) => hangUp(callId)));
    await waitForState(service.url, lost.contactId, 'abandoned');
  });
});
