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
 * Capacity per channel (fixture: offer 3 s, wrap-up 1 s): Anna takes one call next to up to two chats;
 * Bruno takes chats only. Real socket.io consoles and chat widgets, real Redis and PostgreSQL.
 */
describe('capacity per channel: chats next to at most one call', () => {
  let service: TestService;
  const operators: OperatorClient[] = [];
  const customers: ChatCustomer[] = [];

  beforeAll(async () => {
    const config = writeFixtureConfig((data) => {
      const list = data.operators as Operator[];
      for (const operator of list) {
        if (operator.username === 'anna') operator.capacity = { voice: 1, chat: 2 };
        if (operator.username === 'bruno') {
          operator.skills = { technical_support: 5 };
          operator.capacity = { voice: 0, chat: 1 };
        }
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

  async function operator(username: string): Promise<OperatorClient> {
    const client = await OperatorClient.connect(service.url, username);
    operators.push(client);
    await client.available();
    return client;
  }

  /** A chat customer who is queued in `queue` (by the rule classifier's keyword). */
  async function chat(text: string): Promise<ChatCustomer> {
    const customer = await ChatCustomer.connect(service.url);
    customers.push(customer);
    await customer.start({ language: 'it' });
    await customer.say(text);
    await customer.next('chat.status', (status) => status.state === 'waiting', 15_000);
    return customer;
  }

  async function call(digits: string) {
    const callId = `call_${randomUUID()}`;
    const response = await postGenericWebhook(service.url, {
      id: `evt_${randomUUID()}`,
      type: 'call.started',
      callId,
      from: '+390611122233',
      to: '+390200000000',
      digits,
    });
    return { callId, contactId: response.body.contactId as string };
  }

  async function hangUp(callId: string) {
    await postGenericWebhook(service.url, { id: `evt_${randomUUID()}`, type: 'call.ended', callId });
  }

  it('holds two chats at once and a call next to them, never a second call, and frees a slot when a chat ends', async () => {
    const anna = await operator('anna');
    await chat('ho un problema con la fattura');
    await chat('una domanda sulla fattura di marzo');
    await chat('la fattura è sbagliata');

    // Two chat offers at once (capacity 2), both accepted: two chats held from one console.
    const first = await anna.next('offer', (offer) => offer.channel === 'chat');
    const second = await anna.next(
      'offer',
      (offer) => offer.channel === 'chat' && offer.offerId !== first.offerId,
    );
    expect((await anna.send('offer.accept', { offerId: first.offerId })).ok).toBe(true);
    expect((await anna.send('offer.accept', { offerId: second.offerId })).ok).toBe(true);
    await expect(anna.quietFor('offer', 2000)).resolves.toBe(true);
    await expect(waitForState(service.url, first.contactId, 'connected')).resolves.toBeDefined();
    await expect(waitForState(service.url, second.contactId, 'connected')).resolves.toBeDefined();
    // The operator's state is still available: the chats take chat slots, not the voice slot.
    expect(await anna.send('state.set', { state: 'available' })).toMatchObject({
      ok: true,
      data: { state: 'available' },
    });

    // A second console of the same operator sees both chats.
    const again = await OperatorClient.connect(service.url, 'anna');
    operators.push(again);
    expect(again.snapshot!.contacts.map((contact) => contact.contactId).sort()).toEqual(
      [first.contactId, second.contactId].sort(),
    );

    // A call next to the two chats.
    const one = await call('1');
    const voice = await anna.next('offer', (offer) => offer.contactId === one.contactId);
    expect(voice.channel).toBe('voice');
    expect((await anna.send('offer.accept', { offerId: voice.offerId })).ok).toBe(true);

    // Never a second call at once: the next one waits while Anna is on the first.
    const two = await call('1');
    await expect(anna.quietFor('offer', 2500)).resolves.toBe(true);
    expect((await getContact(service.url, two.contactId)).state).toBe('queued');

    // Closing one chat frees its slot after the 1 s wrap-up: the third chat is offered, on the call.
    expect((await anna.send('chat.close', { contactId: first.contactId })).ok).toBe(true);
    const third = await anna.next('offer', (offer) => offer.channel === 'chat', 10_000);
    expect(third.contactId).not.toBe(first.contactId);
    expect((await anna.send('offer.accept', { offerId: third.offerId })).ok).toBe(true);

    // The call ends: after its wrap-up the waiting call is offered.
    await hangUp(one.callId);
    const next = await anna.next('offer', (offer) => offer.contactId === two.contactId, 10_000);
    expect(next.channel).toBe('voice');
    expect((await anna.send('offer.accept', { offerId: next.offerId })).ok).toBe(true);
    await hangUp(two.callId);
    await waitForState(service.url, two.contactId, 'completed');
    for (const contactId of [second.contactId, third.contactId]) {
      expect((await anna.send('chat.close', { contactId })).ok).toBe(true);
    }
  });

  it('a chat is not held behind a call nobody can take; a chat-only operator is never offered a call', async () => {
    const bruno = await operator('bruno');
    const waitingCall = await call('2');
    const customer = await chat('il computer ha un guasto');
    const offer = await bruno.next('offer', undefined, 10_000);
    expect(offer.channel).toBe('chat');
    expect((await bruno.send('offer.accept', { offerId: offer.offerId })).ok).toBe(true);
    await expect(customer.next('chat.status', (status) => status.state === 'talking')).resolves.toBeDefined();
    // The call that was first in line still waits: Bruno takes no calls (voice capacity 0).
    await expect(bruno.quietFor('offer', 2000)).resolves.toBe(true);
    expect((await getContact(service.url, waitingCall.contactId)).state).toBe('queued');
    await hangUp(waitingCall.callId);
    expect((await bruno.send('chat.close', { contactId: offer.contactId })).ok).toBe(true);
  });
});
