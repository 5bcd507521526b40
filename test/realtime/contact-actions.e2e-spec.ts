import { randomUUID } from 'node:crypto';
import { resolve } from 'node:path';
import type { Ack, ContactEndedPayload } from '@centralino/realtime/operator-events.contract';
import { callEnded, callStarted } from '../support/calls';
import { getContact, waitForState } from '../support/contacts-api';
import { OperatorClient } from '../support/operator-client';
import { SupervisorClient } from '../support/supervisor-client';
import { startTestService, TestService } from '../support/test-service';
import { postGenericWebhook } from '../support/webhook-client';

function data<T>(ack: Ack<T>): T {
  if (!ack.ok) throw new Error(`refused: ${ack.error.code} ${ack.error.message}`);
  return ack.data;
}

function code(ack: Ack): string | null {
  return ack.ok ? null : ack.error.code;
}

const CONSOLES_FRONT_OFFICE = resolve(__dirname, '../fixtures/front-office.consoles.yaml');

const FINAL = ['completed', 'abandoned', 'message_taken', 'overflowed', 'failed', 'transferred'];

describe('in-contact and supervisor actions (socket.io, real clients)', () => {
  let service: TestService;
  const clients: { close(): void }[] = [];
  /** Calls placed by the running test: ended afterwards, so a failed test leaves nobody waiting. */
  const placedCalls: string[] = [];

  beforeAll(async () => {
    service = await startTestService('pglite', { FRONT_OFFICE_CONFIG: CONSOLES_FRONT_OFFICE });
  }, 120_000);

  afterEach(async () => {
    // Hang up what the test left (already-ended calls change nothing): a contact still waiting or offered
    // after a failure would otherwise reserve an operator of the next test.
    for (const callId of placedCalls.splice(0)) {
      await postGenericWebhook(service.url, callEnded(callId)).catch(() => undefined);
    }
    for (const client of clients.splice(0)) {
      // A console a supervisor logged out is disconnected already: nothing to send.
      if (client instanceof OperatorClient && client.socket.connected) {
        await client.send('state.set', { state: 'away', reason: 'test over' }).catch(() => undefined);
      }
      client.close();
    }
    // Let wrap-up timers of this test run out so the next one starts from quiet operators.
    await new Promise((resolve) => setTimeout(resolve, 200));
  });

  afterAll(async () => {
    await service?.stop();
  });

  async function operator(username: string, available = true): Promise<OperatorClient> {
    const client = await OperatorClient.connect(service.url, username);
    clients.push(client);
    if (available) await client.available();
    return client;
  }

  async function supervisor(username: string): Promise<SupervisorClient> {
    const client = await SupervisorClient.connect(service.url, username);
    clients.push(client);
    return client;
  }

  async function call(digits: string, from = `+3933${Math.floor(Math.random() * 1e8)}`) {
    const started = callStarted({ digits, from });
    placedCalls.push(started.callId);
    const { body } = await postGenericWebhook(service.url, started);
    return { contactId: body.contactId as string, callId: started.callId, from };
  }

  /** A call to billing connected to `console` (who must be the only available billing operator). */
  async function connected(console: OperatorClient, from?: string) {
    const placed = await call('1', from);
    const offer = await console.next('offer', (payload) => payload.contactId === placed.contactId);
    data(await console.send('offer.accept', { offerId: offer.offerId }));
    return placed;
  }

  async function finalEvents(contactId: string) {
    return (await getContact(service.url, contactId)).events.filter((event) => FINAL.includes(event.type));
  }

  it('notes (idempotent per clientId) and completes with a disposition; the later hang-up changes nothing', async () => {
    const anna = await operator('anna');
    const bruno = await operator('bruno', false);
    const { contactId, callId } = await connected(anna);

    const clientId = randomUUID();
    const note = data(await anna.send('contact.note', { contactId, clientId, text: 'Asks for a copy' }));
    const again = data(await anna.send('contact.note', { contactId, clientId, text: 'Asks for a copy' }));
    expect(again).toEqual(note);
    expect(note).toMatchObject({ id: clientId, contactId, text: 'Asks for a copy', operatorName: 'Anna' });
    await expect(anna.next('contact.noted')).resolves.toEqual(note);
    expect(code(await bruno.send('contact.note', { contactId, clientId: 'x', text: 'mine?' }))).toBe(
      'forbidden',
    );
    expect(code(await anna.send('contact.complete', { contactId, disposition: 'no_such_thing' }))).toBe(
      'validation_failed',
    );

    const done = data<ContactEndedPayload>(
      await anna.send('contact.complete', { contactId, disposition: 'resolved', notes: 'sent by mail' }),
    );
    expect(done).toMatchObject({ contactId, state: 'completed', disposition: 'resolved', wrapUpSeconds: 3 });
    expect(done.wrapUpEndsAt).toBeGreaterThan(Date.now());
    await expect(anna.next('contact.ended', (ended) => ended.contactId === contactId)).resolves.toMatchObject(
      {
        state: 'completed',
      },
    );
    // Completing twice is harmless: same answer, first disposition kept.
    expect(data(await anna.send('contact.complete', { contactId, disposition: 'follow_up' }))).toMatchObject({
      state: 'completed',
      disposition: 'resolved',
    });
    await postGenericWebhook(service.url, callEnded(callId));

    const contact = await getContact(service.url, contactId);
    expect(contact.state).toBe('completed');
    expect(contact.events.filter((event) => event.type === 'note').map((event) => event.data.kind)).toEqual([
      'operator_note',
      'disposition',
    ]);
    expect(await finalEvents(contactId)).toHaveLength(1);
  });

  it('records the disposition when the caller hung up first (exactly one final state), and shows it to the next call', async () => {
    const anna = await operator('anna');
    const from = '+393339998877';
    const first = await connected(anna, from);
    await postGenericWebhook(service.url, callEnded(first.callId));
    await waitForState(service.url, first.contactId, 'completed');
    expect(
      data(
        await anna.send('contact.complete', { contactId: first.contactId, disposition: 'information_given' }),
      ),
    ).toMatchObject({ state: 'completed', disposition: 'information_given' });
    expect(await finalEvents(first.contactId)).toHaveLength(1);

    // Wrap-up (3 s) ends, anna is offered the same caller's next call: the console shows the previous one.
    const second = await connected(anna, from);
    const reloaded = await OperatorClient.connect(service.url, 'anna');
    clients.push(reloaded);
    const current = reloaded.snapshot!.contacts.find((contact) => contact.contactId === second.contactId);
    expect(current?.previousContacts[0]).toMatchObject({
      contactId: first.contactId,
      state: 'completed',
      disposition: 'information_given',
      operatorName: 'Anna',
    });
    expect(reloaded.snapshot!.options.dispositions.map((item) => item.id)).toContain('resolved');
    await postGenericWebhook(service.url, callEnded(second.callId));
  }, 30_000);

  it('settles on exactly one final state when complete and the hang-up webhook arrive together', async () => {
    const anna = await operator('anna');
    for (let round = 0; round < 3; round++) {
      const { contactId, callId } = await connected(anna);
      const [ack, hangUp] = await Promise.all([
        anna.send<ContactEndedPayload>('contact.complete', { contactId, disposition: 'resolved' }),
        postGenericWebhook(service.url, callEnded(callId)),
      ]);
      expect(hangUp.status).toBe(200);
      expect(data(ack)).toMatchObject({ state: 'completed', disposition: 'resolved' });
      expect(await finalEvents(contactId)).toHaveLength(1);
    }
  }, 60_000);

  it('transfers to a queue keeping the original enqueue time: served before a younger contact already waiting', async () => {
    const anna = await operator('anna');
    const dashboard = await supervisor('root');
    const older = await connected(anna);
    const queuedAt = (await getContact(service.url, older.contactId)).queuedAt;
    const younger = await call('2');
    await dashboard.until((snapshot) => dashboard.queue(snapshot, 'technical_support').waiting === 1);

    const moved = data<ContactEndedPayload>(
      await anna.send('contact.transfer', {
        contactId: older.contactId,
        target: { kind: 'queue', queue: 'technical_support' },
      }),
    );
    expect(moved).toMatchObject({ contactId: older.contactId, state: 'queued' });
    const waiting = await dashboard.until(
      (snapshot) => dashboard.queue(snapshot, 'technical_support').waiting === 2,
    );
    expect(
      dashboard.queue(waiting, 'technical_support').waitingContacts.map((item) => item.contactId),
    ).toEqual([older.contactId, younger.contactId]);
    expect(dashboard.queue(waiting, 'technical_support').waitingContacts[0].enqueuedAt).toBe(
      new Date(queuedAt!).getTime(),
    );

    const bruno = await operator('bruno');
    const offer = await bruno.next('offer');
    expect(offer.contactId).toBe(older.contactId);
    expect((await getContact(service.url, older.contactId)).queuedAt).toBe(queuedAt);
    const transfers = (await getContact(service.url, older.contactId)).events.filter(
      (event) => event.type === 'note' && event.data.kind === 'transfer',
    );
    expect(transfers).toHaveLength(1);
    await postGenericWebhook(service.url, callEnded(older.callId));
    await postGenericWebhook(service.url, callEnded(younger.callId));
  }, 30_000);

  it('transfers to a named operator (only they are offered it); refuses one who is not available', async () => {
    const anna = await operator('anna');
    const { contactId, callId } = await connected(anna);
    const bruno = await operator('bruno', false);
    const refused = await anna.send('contact.transfer', {
      contactId,
      target: { kind: 'operator', operatorId: bruno.operatorId },
    });
    expect(code(refused)).toBe('operator_not_available');
    await bruno.available();
    data(
      await anna.send('contact.transfer', {
        contactId,
        target: { kind: 'operator', operatorId: bruno.operatorId },
      }),
    );
    const offer = await bruno.next('offer', (payload) => payload.contactId === contactId);
    const accepted = data(await bruno.send('offer.accept', { offerId: offer.offerId }));
    expect(accepted).toMatchObject({ contactId, state: 'connected' });
    expect(code(await anna.send('contact.note', { contactId, clientId: 'late', text: 'x' }))).toBe(
      'forbidden',
    );
    await postGenericWebhook(service.url, callEnded(callId));
  }, 30_000);

  it('falls back to the whole queue when the named operator does not take the transfer', async () => {
    const anna = await operator('anna');
    const { contactId, callId } = await connected(anna);
    const bruno = await operator('bruno');
    data(
      await anna.send('contact.transfer', {
        contactId,
        target: { kind: 'operator', operatorId: bruno.operatorId },
      }),
    );
    const offer = await bruno.next('offer', (payload) => payload.contactId === contactId);
    // Set away by a supervisor while it rings: the offer is handed back and bruno cannot be offered it again.
    const root = await supervisor('root');
    data(
      await root.socket.emitWithAck('operator.set-away', { operatorId: bruno.operatorId, reason: 'break' }),
    );
    await expect(
      bruno.next('offer.withdrawn', (payload) => payload.offerId === offer.offerId),
    ).resolves.toBeTruthy();
    // Anna's wrap-up (3 s) ends: the contact is no longer bruno's only, so she is offered it.
    const back = await anna.next('offer', (payload) => payload.contactId === contactId, 15_000);
    expect(back.queue).toBe('billing');
    await postGenericWebhook(service.url, callEnded(callId));
  }, 30_000);

  it('transfers out to a department with a phone (final state transferred) and takes messages', async () => {
    const anna = await operator('anna');
    const first = await connected(anna);
    expect(
      code(
        await anna.send('contact.transfer', {
          contactId: first.contactId,
          target: { kind: 'department', departmentId: 'warehouse' },
        }),
      ),
    ).toBe('unsupported');
    expect(
      data(
        await anna.send('contact.transfer', {
          contactId: first.contactId,
          target: { kind: 'department', departmentId: 'accounting' },
        }),
      ),
    ).toMatchObject({ state: 'transferred' });
    await postGenericWebhook(service.url, callEnded(first.callId));
    expect((await getContact(service.url, first.contactId)).state).toBe('transferred');
    expect(await finalEvents(first.contactId)).toHaveLength(1);

    const second = await connected(anna);
    const input = {
      contactId: second.contactId,
      recipientId: 'warehouse',
      text: 'Please call back about order 42',
      urgency: 'urgent',
    };
    expect(data(await anna.send('contact.take-message', input))).toMatchObject({ state: 'message_taken' });
    expect(data(await anna.send('contact.take-message', input))).toMatchObject({ state: 'message_taken' });
    expect(await finalEvents(second.contactId)).toHaveLength(1);
  }, 30_000);

  it('lets a supervisor prioritise and move waiting contacts, keeping their enqueue time', async () => {
    const dashboard = await supervisor('sara');
    const first = await call('1');
    const second = await call('1');
    await dashboard.until((snapshot) => dashboard.queue(snapshot, 'billing').waiting === 2);
    const raised = data(
      await dashboard.socket.emitWithAck('contact.priority', { contactId: second.contactId, priority: 5 }),
    );
    expect(raised).toMatchObject({ contactId: second.contactId, priority: 5, position: 1 });
    const billing = await dashboard.until(
      (snapshot) => dashboard.queue(snapshot, 'billing').waitingContacts[0]?.contactId === second.contactId,
    );
    const firstEnqueuedAt = dashboard.queue(billing, 'billing').waitingContacts[1].enqueuedAt;

    const moved = data(
      await dashboard.socket.emitWithAck('contact.move', { contactId: first.contactId, queue: 'reception' }),
    );
    expect(moved).toMatchObject({
      contactId: first.contactId,
      queue: 'reception',
      enqueuedAt: firstEnqueuedAt,
    });
    expect((await getContact(service.url, first.contactId)).problemType).toBe('reception');
    expect(
      code(await dashboard.socket.emitWithAck('contact.move', { contactId: first.contactId, queue: 'nope' })),
    ).toBe('not_found');
    for (const placed of [first, second]) await postGenericWebhook(service.url, callEnded(placed.callId));
  }, 30_000);

  it('scopes supervisors to their teams: set away, log out and broadcast reach the consoles', async () => {
    const anna = await operator('anna');
    const carla = await operator('carla', false);
    const sara = await supervisor('sara');
    const root = await supervisor('root');
    const seen = await sara.until((snapshot) =>
      snapshot.operators.some((item) => item.id === anna.operatorId),
    );
    expect(seen.operators.map((item) => item.id)).not.toContain(carla.operatorId);

    const away = data(
      await sara.socket.emitWithAck('operator.set-away', { operatorId: anna.operatorId, reason: 'meeting' }),
    );
    expect(away).toMatchObject({ operatorId: anna.operatorId, state: 'away', reason: 'meeting' });
    await expect(anna.next('operator.state', (state) => state.reason === 'meeting')).resolves.toMatchObject({
      state: 'away',
    });
    expect(
      code(await sara.socket.emitWithAck('operator.set-away', { operatorId: carla.operatorId, reason: 'x' })),
    ).toBe('forbidden');
    expect(code(await sara.socket.emitWithAck('operator.logout', { operatorId: carla.operatorId }))).toBe(
      'forbidden',
    );

    const sent = data(await sara.socket.emitWithAck('broadcast', { text: 'Fire drill at 11' }));
    for (const console of [anna, carla]) {
      await expect(console.next('broadcast')).resolves.toEqual(sent);
    }
    expect(sent).toMatchObject({ text: 'Fire drill at 11', from: { displayName: 'Sara' } });

    const disconnected = new Promise((resolve) => carla.socket.once('disconnect', resolve));
    data(await root.socket.emitWithAck('operator.logout', { operatorId: carla.operatorId }));
    await expect(carla.next('operator.logged_out')).resolves.toEqual({ reason: 'supervisor', by: 'root' });
    await disconnected;
    const audit = await fetch(`${service.url}/admin/audit?action=operator.logout`, {
      headers: { authorization: `Bearer ${(await OperatorClient.login(service.url, 'root')).token}` },
    });
    expect(audit.status).toBe(200);
    expect(JSON.stringify(await audit.json())).toContain(`operator:${carla.operatorId}`);
  }, 30_000);
});
