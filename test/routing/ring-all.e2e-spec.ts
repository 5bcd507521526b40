import { randomUUID } from 'node:crypto';
import { ChatCustomer } from '../support/chat-customer';
import { getContact, waitForState } from '../support/contacts-api';
import { writeFixtureConfig } from '../support/fixture-config';
import { OperatorClient } from '../support/operator-client';
import { startTestService, TestService } from '../support/test-service';
import { postGenericWebhook } from '../support/webhook-client';

type Operator = {
  username: string;
  skills: Record<string, number>;
  capacity?: { voice: number; chat: number };
};

/**
 * Ring-all (fixture: offer 3 s, wrap-up 1 s; billing is ring-all, and Anna, Bruno and Carla can all take
 * it, two chats each): a chat is offered to every eligible console at once, the first accept wins and
 * the other offers are withdrawn; a call of the same queue goes to one operator. Real socket.io
 * consoles and chat widgets, real Redis and PostgreSQL.
 */
describe('ring-all: a chat rings every eligible operator, the first accept wins', () => {
  let service: TestService;
  const operators: OperatorClient[] = [];
  const customers: ChatCustomer[] = [];

  beforeAll(async () => {
    const config = writeFixtureConfig((data) => {
      for (const type of data.problemTypes as { id: string; strategy?: string }[]) {
        if (type.id === 'billing') type.strategy = 'ring-all';
      }
      for (const operator of data.operators as Operator[]) {
        operator.skills = { ...operator.skills, billing: 5 };
        operator.capacity = { voice: 1, chat: 2 };
      }
    });
    service = await startTestService('postgres', { FRONT_OFFICE_CONFIG: config });
  }, 60_000);

  afterEach(async () => {
    for (const operator of operators.splice(0)) {
      await operator.send('state.set', { state: 'away' }).catch(() => undefined);
      operator.close();
    }
    for (const customer of customers.splice(0)) customer.close();
  });

  afterAll(async () => {
    await service?.stop();
  });

  async function connectAll(): Promise<Record<'anna' | 'bruno' | 'carla', OperatorClient>> {
    const clients = await Promise.all(
      (['anna', 'bruno', 'carla'] as const).map((name) => OperatorClient.connect(service.url, name)),
    );
    operators.push(...clients);
    for (const client of clients) await client.available();
    return { anna: clients[0]!, bruno: clients[1]!, carla: clients[2]! };
  }

  async function billingChat(): Promise<ChatCustomer> {
    const customer = await ChatCustomer.connect(service.url);
    customers.push(customer);
    await customer.start({ language: 'it' });
    await customer.say('ho un problema con la fattura');
    await customer.next('chat.status', (status) => status.state === 'waiting', 15_000);
    return customer;
  }

  it('offers the chat to all three at once; the first accept wins and the others are withdrawn', async () => {
    const { anna, bruno, carla } = await connectAll();
    const customer = await billingChat();
    const [toAnna, toBruno, toCarla] = await Promise.all(
      [anna, bruno, carla].map((client) => client.next('offer', (offer) => offer.channel === 'chat')),
    );
    // One contact, three offers of their own.
    expect(new Set([toAnna!.contactId, toBruno!.contactId, toCarla!.contactId]).size).toBe(1);
    expect(new Set([toAnna!.offerId, toBruno!.offerId, toCarla!.offerId]).size).toBe(3);
    await expect(getContact(service.url, toAnna!.contactId)).resolves.toMatchObject({ state: 'offered' });

    expect((await bruno.send('offer.accept', { offerId: toBruno!.offerId })).ok).toBe(true);
    await expect(
      anna.next('offer.withdrawn', (withdrawn) => withdrawn.offerId === toAnna!.offerId),
    ).resolves.toMatchObject({ reason: 'accepted_elsewhere' });
    await expect(
      carla.next('offer.withdrawn', (withdrawn) => withdrawn.offerId === toCarla!.offerId),
    ).resolves.toMatchObject({ reason: 'accepted_elsewhere' });
    // A late click on a withdrawn offer is refused: exactly one operator has the chat.
    await expect(anna.send('offer.accept', { offerId: toAnna!.offerId })).resolves.toMatchObject({
      ok: false,
      error: { code: 'offer_not_pending' },
    });
    await expect(waitForState(service.url, toBruno!.contactId, 'connected')).resolves.toMatchObject({
      operatorId: bruno.operatorId,
    });
    await expect(customer.next('chat.status', (status) => status.state === 'talking')).resolves.toBeDefined();

    // The withdrawn offers freed their chat slots: the next chat rings all three again (Bruno has one
    // chat of two).
    await billingChat();
    const again = await Promise.all(
      [anna, bruno, carla].map((client) =>
        client.next('offer', (offer) => offer.contactId !== toAnna!.contactId),
      ),
    );
    expect(new Set(again.map((offer) => offer.contactId)).size).toBe(1);
    expect((await carla.send('offer.accept', { offerId: again[2]!.offerId })).ok).toBe(true);
    await expect(waitForState(service.url, again[2]!.contactId, 'connected')).resolves.toMatchObject({
      operatorId: carla.operatorId,
    });
    for (const [client, contactId] of [
      [bruno, toBruno!.contactId],
      [carla, again[2]!.contactId],
    ] as const) {
      expect((await client.send('chat.close', { contactId })).ok).toBe(true);
    }
  });

  it('rings again when every offer of the ring is declined or missed, keeping the contact waiting', async () => {
    const { anna, bruno, carla } = await connectAll();
    await billingChat();
    const first = await Promise.all(
      [anna, bruno, carla].map((client) => client.next('offer', (offer) => offer.channel === 'chat')),
    );
    const contactId = first[0]!.contactId;
    // Two decline, the third lets it ring out: only then does the contact go back to its queue.
    expect((await anna.send('offer.reject', { offerId: first[0]!.offerId })).ok).toBe(true);
    expect((await bruno.send('offer.reject', { offerId: first[1]!.offerId })).ok).toBe(true);
    expect((await getContact(service.url, contactId)).state).toBe('offered');
    await expect(
      carla.next('offer.withdrawn', (withdrawn) => withdrawn.offerId === first[2]!.offerId, 10_000),
    ).resolves.toMatchObject({ reason: 'expired' });
    // Everybody declined it a moment ago, so nobody is left out: the ring starts again.
    const second = await Promise.all(
      [anna, bruno, carla].map((client) =>
        client.next('offer', (offer) => offer.contactId === contactId, 10_000),
      ),
    );
    expect(second.every((offer) => !first.some((old) => old.offerId === offer.offerId))).toBe(true);
    expect((await anna.send('offer.accept', { offerId: second[0]!.offerId })).ok).toBe(true);
    await expect(waitForState(service.url, contactId, 'connected')).resolves.toMatchObject({
      operatorId: anna.operatorId,
    });
    expect((await anna.send('chat.close', { contactId })).ok).toBe(true);
  });

  it('offers a call of a ring-all queue to one operator only', async () => {
    const clients = Object.values(await connectAll());
    const callId = `call_${randomUUID()}`;
    const response = await postGenericWebhook(service.url, {
      id: `evt_${randomUUID()}`,
      type: 'call.started',
      callId,
      from: '+390611122233',
      to: '+390200000000',
      digits: '1',
    });
    const contactId = response.body.contactId as string;
    const offers = await Promise.all(
      clients.map((client) =>
        client
          .next('offer', (offer) => offer.contactId === contactId, 2500)
          .then(() => client)
          .catch(() => null),
      ),
    );
    expect(offers.filter(Boolean)).toHaveLength(1);
    await postGenericWebhook(service.url, { id: `evt_${randomUUID()}`, type: 'call.ended', callId });
    await waitForState(service.url, contactId, 'abandoned');
  });
});
