import { randomUUID } from 'node:crypto';
import { OperatorClient } from '../support/operator-client';
import { getContact } from '../support/contacts-api';
import { startTestService, TestDatabase, TestService } from '../support/test-service';
import { postGenericWebhook } from '../support/webhook-client';

function callStarted(overrides: Record<string, unknown> = {}) {
  return {
    id: `evt_${randomUUID()}`,
    type: 'call.started',
    callId: `call_${randomUUID()}`,
    from: '+393331234567',
    to: '+390200000000',
    ...overrides,
  };
}

function callEnded(callId: string, reason = 'hangup') {
  return { id: `evt_${randomUUID()}`, type: 'call.ended', callId, reason };
}

describe.each<TestDatabase>(['pglite', 'postgres'])('walking skeleton on %s', (database) => {
  let service: TestService;
  const clients: OperatorClient[] = [];

  beforeAll(async () => {
    service = await startTestService(database);
  });

  afterEach(async () => {
    while (clients.length) {
      const client = clients.pop()!;
      await client.send('state.set', { state: 'away', reason: 'test over' }).catch(() => undefined);
      client.close();
    }
  });

  afterAll(async () => {
    await service.stop();
  });

  async function operator(username: string, available = true): Promise<OperatorClient> {
    const client = await OperatorClient.connect(service.url, username);
    clients.push(client);
    if (available) await client.available();
    return client;
  }

  it('takes a call from webhook to the console of an operator with the skill, then completes it with timings', async () => {
    const anna = await operator('anna');
    const call = callStarted({ digits: '1', language: 'it' });

    const started = await postGenericWebhook(service.url, call);
    expect(started.status).toBe(200);
    expect(started.body).toMatchObject({
      state: 'queued',
      queue: 'billing',
      language: 'it',
      duplicate: false,
    });
    expect(started.body.actions).toEqual(
      expect.arrayContaining([expect.objectContaining({ type: 'enqueue', queue: 'billing' })]),
    );
    const contactId = started.body.contactId as string;

    const offer = await anna.next('offer', (payload) => payload.contactId === contactId);
    expect(offer).toMatchObject({ queue: 'billing', caller: '+39***567', language: 'it' });
    expect(offer.expiresAt).toBeGreaterThan(Date.now());

    const accepted = await anna.send<{ contactId: string; state: string }>('offer.accept', {
      offerId: offer.offerId,
    });
    expect(accepted).toMatchObject({ ok: true, data: { contactId, state: 'connected' } });
    await expect(anna.next('contact.connected')).resolves.toMatchObject({ contactId });

    const ended = await postGenericWebhook(service.url, callEnded(call.callId, 'completed'));
    expect(ended.status).toBe(200);
    expect(ended.body).toMatchObject({ contactId, state: 'completed' });
    await expect(anna.next('contact.ended')).resolves.toMatchObject({ contactId, state: 'completed' });

    const contact = await getContact(service.url, contactId);
    expect(contact.state).toBe('completed');
    expect(contact.operatorId).toBe(anna.operatorId);
    expect(contact.events.map((event) => event.type)).toEqual([
      'received',
      'triaged',
      'queued',
      'offered',
      'connected',
      'completed',
    ]);
    const at = (type: string) => Date.parse(contact.events.find((event) => event.type === type)!.at);
    expect(at('offered')).toBeGreaterThanOrEqual(at('queued'));
    expect(at('completed')).toBeGreaterThanOrEqual(at('connected'));
    expect(Date.parse(contact.connectedAt!)).toBeGreaterThanOrEqual(Date.parse(contact.queuedAt!));
    expect(Date.parse(contact.endedAt!)).toBeGreaterThanOrEqual(Date.parse(contact.connectedAt!));

    // Wrap-up (1 s in the test config), then available again.
    await expect(anna.next('operator.state', (state) => state.state === 'wrap_up')).resolves.toBeDefined();
    await expect(
      anna.next('operator.state', (state) => state.state === 'available', 5000),
    ).resolves.toBeDefined();
  });

  it('records a caller who hangs up while waiting as abandoned and takes them out of the queue', async () => {
    const call = callStarted({ digits: '2' });
    const started = await postGenericWebhook(service.url, call);
    expect(started.body).toMatchObject({ state: 'queued', queue: 'technical_support', position: 1 });
    const contactId = started.body.contactId as string;

    const ended = await postGenericWebhook(service.url, callEnded(call.callId));
    expect(ended.body).toMatchObject({ contactId, state: 'abandoned' });
    const contact = await getContact(service.url, contactId);
    expect(contact.events.at(-1)).toMatchObject({ type: 'abandoned', data: { reason: 'hangup' } });
    expect(typeof contact.events.at(-1)!.data.waitSeconds).toBe('number');

    // The only operator with the skill arrives later: nothing is offered, the queue is empty.
    const bruno = await operator('bruno');
    await expect(bruno.quietFor('offer', 1500)).resolves.toBe(true);
  });

  it('answers a retried webhook with the same contact and creates nothing twice, even concurrently', async () => {
    const call = callStarted({ digits: '8' });
    const deliveries = await Promise.all([1, 2, 3, 4].map(() => postGenericWebhook(service.url, call)));
    const ids = new Set(deliveries.map((delivery) => delivery.body.contactId));
    expect(deliveries.map((delivery) => delivery.status)).toEqual([200, 200, 200, 200]);
    expect(ids.size).toBe(1);
    expect(deliveries.filter((delivery) => delivery.body.duplicate === false)).toHaveLength(1);

    const later = await postGenericWebhook(service.url, call);
    expect(later.body).toMatchObject({ contactId: [...ids][0], duplicate: true, state: 'queued' });

    // A different event id for the same call is the same contact too.
    const sameCall = await postGenericWebhook(service.url, { ...call, id: `evt_${randomUUID()}` });
    expect(sameCall.body.contactId).toBe([...ids][0]);

    const carla = await operator('carla');
    await expect(carla.next('offer', (offer) => offer.contactId === [...ids][0])).resolves.toBeDefined();
    await expect(carla.quietFor('offer', 1000)).resolves.toBe(true);
    await postGenericWebhook(service.url, callEnded(call.callId));
  });

  it('refuses unsigned, forged and stale webhooks with a reason and stores nothing', async () => {
    const call = callStarted();
    const unsigned = await postGenericWebhook(service.url, call, { signature: null });
    expect(unsigned).toMatchObject({ status: 401, body: { error: 'signature_missing' } });
    const forged = await postGenericWebhook(service.url, call, { secret: 'whsec_someone_else_000000000000' });
    expect(forged).toMatchObject({ status: 403, body: { error: 'signature_invalid' } });
    const stale = await postGenericWebhook(service.url, call, {
      timestamp: Math.floor(Date.now() / 1000) - 301,
    });
    expect(stale).toMatchObject({ status: 401, body: { error: 'signature_expired' } });
    const garbage = await postGenericWebhook(service.url, call, { signature: 'nonsense' });
    expect(garbage.status).toBe(403);

    // Nothing was stored: the call is unknown.
    const ended = await postGenericWebhook(service.url, callEnded(call.callId));
    expect(ended).toMatchObject({ status: 404, body: { error: 'unknown_call' } });
  });

  it('rejects malformed bodies with a 400 naming the field', async () => {
    const missingFrom = await postGenericWebhook(service.url, { ...callStarted(), from: undefined });
    expect(missingFrom.status).toBe(400);
    expect(missingFrom.body.message).toMatch(/^from:/);
    const badType = await postGenericWebhook(service.url, { ...callStarted(), type: 'call.exploded' });
    expect(badType.status).toBe(400);
    expect(badType.body.message).toMatch(/^type:/);
    const badDigits = await postGenericWebhook(service.url, callStarted({ digits: 'abc' }));
    expect(badDigits.status).toBe(400);
    expect(badDigits.body.message).toMatch(/^digits:/);
    const notJson = await postGenericWebhook(service.url, '{"id": ');
    expect(notJson.status).toBe(400);
    const array = await postGenericWebhook(service.url, '[1,2]');
    expect(array.status).toBe(400);
  });

  it('refuses a console without a valid token', async () => {
    await expect(OperatorClient.connectWithToken(service.url, undefined)).rejects.toThrow(
      /access token is required/,
    );
    await expect(OperatorClient.connectWithToken(service.url, 'not-a-jwt')).rejects.toThrow(
      /Invalid access token/,
    );
    const login = await fetch(`${service.url}/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'anna', password: 'wrong' }),
    });
    expect(login.status).toBe(401);
  });

  it('keeps a contact waiting when nobody has the skill, and offers it when such an operator arrives', async () => {
    const call = callStarted({ speech: 'I need a lawyer', language: 'en' });
    const started = await postGenericWebhook(service.url, call);
    expect(started.body).toMatchObject({ queue: 'legal', state: 'queued' });
    const contactId = started.body.contactId as string;

    const anna = await operator('anna');
    await expect(anna.quietFor('offer', 1200)).resolves.toBe(true);
    expect((await getContact(service.url, contactId)).state).toBe('queued');

    const carla = await operator('carla');
    const offer = await carla.next('offer', (payload) => payload.contactId === contactId);
    expect(offer.queue).toBe('legal');
    await postGenericWebhook(service.url, callEnded(call.callId));
    await expect(
      carla.next('offer.withdrawn', (payload) => payload.offerId === offer.offerId),
    ).resolves.toMatchObject({
      reason: 'caller_hung_up',
    });
    expect((await getContact(service.url, contactId)).state).toBe('abandoned');
  });

  it('puts a rejected contact back at the head of its queue, ahead of newer callers', async () => {
    const anna = await operator('anna');
    const first = callStarted({ digits: '1' });
    const second = callStarted({ digits: '1' });
    const firstId = (await postGenericWebhook(service.url, first)).body.contactId as string;
    const annaOffer = await anna.next('offer', (offer) => offer.contactId === firstId);
    const secondId = (await postGenericWebhook(service.url, second)).body.contactId as string;

    // Anna rejects the first caller: it goes back to the head, ahead of the second, and since she is the
    // only operator with the skill it comes back to her rather than wait.
    expect((await anna.send('offer.reject', { offerId: annaOffer.offerId })).ok).toBe(true);
    await expect(anna.next('offer.withdrawn')).resolves.toMatchObject({
      offerId: annaOffer.offerId,
      reason: 'rejected',
    });
    const again = await anna.next('offer');
    expect(again.contactId).toBe(firstId);
    expect(again.offerId).not.toBe(annaOffer.offerId);

    // A click on the old offer is refused with a reason.
    const late = await anna.send('offer.accept', { offerId: annaOffer.offerId });
    expect(late).toMatchObject({ ok: false, error: { code: 'offer_not_pending' } });

    // Bruno (also billing) arrives: the second caller goes to him at once, not to anna who holds an offer.
    const bruno = await operator('bruno');
    await expect(bruno.next('offer')).resolves.toMatchObject({ contactId: secondId });
    await postGenericWebhook(service.url, callEnded(first.callId));
    await postGenericWebhook(service.url, callEnded(second.callId));
  });
});
