import { randomUUID } from 'node:crypto';
import { waitForState } from '../support/contacts-api';
import { writeFixtureConfig } from '../support/fixture-config';
import { OperatorClient } from '../support/operator-client';
import { startTestService, TestService } from '../support/test-service';
import { postGenericWebhook } from '../support/webhook-client';

type Operator = { username: string; passwordHash: string; skills: Record<string, number> };

/**
 * Strategies per queue against the running service (fixture: offer 3 s, wrap-up 1 s): billing is
 * skill-top-down, technical_support round-robin. Real consoles, Redis and PostgreSQL.
 */
describe('routing strategies per queue', () => {
  let service: TestService;
  const operators: OperatorClient[] = [];

  beforeAll(async () => {
    const config = writeFixtureConfig((data) => {
      for (const type of data.problemTypes as { id: string; strategy?: string }[]) {
        if (type.id === 'billing') type.strategy = 'skill-top-down';
        if (type.id === 'technical_support') type.strategy = 'round-robin';
      }
      const list = data.operators as Operator[];
      const hash = list[0]!.passwordHash;
      for (const operator of list) {
        if (operator.username === 'anna') operator.skills = { billing: 5, technical_support: 2 };
        if (operator.username === 'bruno') operator.skills = { billing: 3, technical_support: 5 };
      }
      list.push({
        username: 'dario',
        displayName: 'Dario',
        passwordHash: hash,
        languages: ['it'],
        skills: { billing: 9, technical_support: 1 },
      } as Operator);
    });
    service = await startTestService('postgres', { FRONT_OFFICE_CONFIG: config });
  }, 60_000);

  afterEach(async () => {
    for (const operator of operators.splice(0)) {
      await operator.send('state.set', { state: 'away' }).catch(() => undefined);
      operator.close();
    }
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

  /** Which of `clients` is offered `contactId` (the first to be; the contact's log shows it was one). */
  async function offeredTo(clients: Record<string, OperatorClient>, contactId: string) {
    return Promise.any(
      Object.entries(clients).map(async ([name, client]) => {
        const offer = await client.next('offer', (next) => next.contactId === contactId, 8000);
        return { name, offer, client };
      }),
    );
  }

  it('skill-top-down: the best level first, even when others have been idle longer; a reject goes down the levels', async () => {
    // Bruno (level 3) is free the longest, then Anna (5), then Dario (9).
    const bruno = await operator('bruno');
    const anna = await operator('anna');
    const dario = await operator('dario');
    const { callId, contactId } = await call('1');

    const first = await dario.next('offer', (offer) => offer.contactId === contactId);
    expect((await dario.send('offer.reject', { offerId: first.offerId })).ok).toBe(true);
    const second = await anna.next('offer', (offer) => offer.contactId === contactId, 8000);
    expect((await anna.send('offer.reject', { offerId: second.offerId })).ok).toBe(true);
    const third = await bruno.next('offer', (offer) => offer.contactId === contactId, 8000);
    expect((await bruno.send('offer.accept', { offerId: third.offerId })).ok).toBe(true);
    await hangUp(callId);
    const contact = await waitForState(service.url, contactId, 'completed');
    const offered = contact.events.filter((event) => event.type === 'offered');
    expect(offered.map((event) => event.data.operatorId)).toEqual([
      dario.operatorId,
      anna.operatorId,
      bruno.operatorId,
    ]);
  });

  it('round-robin: each operator in turn, whoever has been idle longest', async () => {
    const clients = {
      anna: await operator('anna'),
      bruno: await operator('bruno'),
      dario: await operator('dario'),
    };
    const order: string[] = [];
    for (let turn = 0; turn < 6; turn++) {
      const { callId, contactId } = await call('2');
      const { name, offer, client } = await offeredTo(clients, contactId);
      order.push(name);
      expect((await client.send('offer.accept', { offerId: offer.offerId })).ok).toBe(true);
      await hangUp(callId);
      const contact = await waitForState(service.url, contactId, 'completed');
      expect(contact.events.filter((event) => event.type === 'offered')).toHaveLength(1);
      await client.next('operator.state', (state) => state.state === 'wrap_up');
      // Straight back to available (ends the wrap-up early), so everyone is free for the next call.
      await client.available();
    }
    // Every operator once per turn of three, in the same rotation both times.
    expect(new Set(order.slice(0, 3)).size).toBe(3);
    expect(order.slice(3)).toEqual(order.slice(0, 3));
  });
});
