import { randomUUID } from 'node:crypto';
import { getContact, waitForState } from '../support/contacts-api';
import { writeFixtureConfig, withBillingOperators } from '../support/fixture-config';
import { OperatorClient } from '../support/operator-client';
import { ServiceProcess } from '../support/service-process';
import { startTestService, TestService } from '../support/test-service';
import { postGenericWebhook } from '../support/webhook-client';

/**
 * Several processes against one Redis and one PostgreSQL: an HTTP-only process (this test's, in-process)
 * and dispatcher/worker processes started as children. Separate processes need PostgreSQL.
 */
describe('several worker processes against the same Redis and PostgreSQL', () => {
  let http: TestService;
  let workers: ServiceProcess[] = [];
  const clients: OperatorClient[] = [];

  async function startWorkers(count: number): Promise<void> {
    workers = await Promise.all(
      Array.from({ length: count }, () =>
        ServiceProcess.start({ ...http.env, CENTRALINO_ROLES: 'worker', LOG_LEVEL: 'info' }),
      ),
    );
  }

  async function operator(username: string): Promise<OperatorClient> {
    const client = await OperatorClient.connect(http.url, username);
    clients.push(client);
    await client.available();
    return client;
  }

  function call(digits = '1') {
    return {
      id: `evt_${randomUUID()}`,
      type: 'call.started',
      callId: `call_${randomUUID()}`,
      from: '+393331234567',
      to: '+390200000000',
      digits,
    };
  }

  afterEach(async () => {
    for (const client of clients.splice(0)) client.close();
    await Promise.all(workers.map((worker) => worker.stop()));
    workers = [];
    await http?.stop();
  });

  it('runs the http and worker roles in separate processes', async () => {
    http = await startTestService('postgres', { CENTRALINO_ROLES: 'http' });
    await startWorkers(1);
    const anna = await operator('anna');
    const started = call();
    const contactId = (await postGenericWebhook(http.url, started)).body.contactId as string;
    const offer = await anna.next('offer', (payload) => payload.contactId === contactId);
    expect((await anna.send('offer.accept', { offerId: offer.offerId })).ok).toBe(true);
    await postGenericWebhook(http.url, {
      id: `evt_${randomUUID()}`,
      type: 'call.ended',
      callId: started.callId,
    });
    await expect(waitForState(http.url, contactId, 'completed')).resolves.toBeDefined();
    // The worker process made the offer; this process has no dispatcher.
    expect(workers[0].logs.some((line) => line.msg === 'Offered' && line.contactId === contactId)).toBe(true);
  });

  it('keeps every invariant with three dispatchers and many concurrent calls', async () => {
    const operatorCount = 8;
    http = await startTestService('postgres', {
      CENTRALINO_ROLES: 'http',
      FRONT_OFFICE_CONFIG: writeFixtureConfig(withBillingOperators(operatorCount)),
    });
    await startWorkers(3);
    const usernames = Array.from({ length: operatorCount }, (_, i) => `op${String(i + 1).padStart(2, '0')}`);
    const consoles = await Promise.all(usernames.map((username) => operator(username)));

    const violations: string[] = [];
    const calls = Array.from({ length: 60 }, () => call());
    const callIdByContact = new Map<string, string>();
    const acceptedBy = new Map<string, string>();
    const hangups = new Map<string, string>();
    let allPosted!: () => void;
    const posted = new Promise<void>((resolve) => (allPosted = resolve));
    // Simulated operators: accept after a short think, hold the call briefly, then the caller hangs up.
    // Each console checks it never holds two offers or contacts at once.
    for (const client of consoles) {
      let busy = false;
      client.socket.on('offer', (offer: { offerId: string; contactId: string }) => {
        handle(offer).catch((error: Error) =>
          violations.push(`handler failed for ${offer.contactId}: ${error.message}`),
        );
      });
      const handle = async (offer: { offerId: string; contactId: string }) => {
        if (busy) violations.push(`${client.operatorId} got an offer while busy`);
        busy = true;
        await new Promise((resolve) => setTimeout(resolve, Math.random() * 100));
        const ack = await client.send<{ contactId: string }>('offer.accept', { offerId: offer.offerId });
        if (!ack.ok) {
          violations.push(`accept failed: ${ack.error.message}`);
          busy = false;
          return;
        }
        if (acceptedBy.has(offer.contactId)) violations.push(`${offer.contactId} accepted twice`);
        acceptedBy.set(offer.contactId, client.operatorId);
        await new Promise((resolve) => setTimeout(resolve, 50 + Math.random() * 150));
        busy = false; // free before the hang-up: wrap-up keeps the server from offering again too early
        await posted; // the contact id -> call id map is complete once every webhook has been answered
        const ended = await postGenericWebhook(http.url, {
          id: `evt_${randomUUID()}`,
          type: 'call.ended',
          callId: callIdByContact.get(offer.contactId),
        });
        if (ended.status !== 200)
          violations.push(`hang-up failed: ${ended.status} ${JSON.stringify(ended.body)}`);
        hangups.set(offer.contactId, `${ended.status} ${String(ended.body.state)}`);
      };
    }

    const responses = await Promise.all(calls.map((started) => postGenericWebhook(http.url, started)));
    responses.forEach((response, index) =>
      callIdByContact.set(response.body.contactId as string, calls[index].callId),
    );
    allPosted();
    expect(new Set(responses.map((response) => response.body.contactId)).size).toBe(calls.length);

    for (let waited = 0; hangups.size < calls.length && waited < 60_000; waited += 200) {
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    expect(violations).toEqual([]);
    const stuck = [...callIdByContact.keys()].filter((id) => hangups.get(id) !== '200 completed');
    expect(stuck.map((id) => `${id} ${hangups.get(id)} ${acceptedBy.get(id)}`)).toEqual([]);
    for (const contactId of callIdByContact.keys()) {
      const contact = await waitForState(http.url, contactId, 'completed', 60_000);
      const types = contact.events.map((event) => event.type);
      expect(types.slice(0, 3)).toEqual(['received', 'triaged', 'queued']);
      expect(types.at(-1)).toBe('completed');
      expect(types.filter((type) => type === 'connected')).toHaveLength(1);
    }
    expect(violations).toEqual([]);
    expect(acceptedBy.size).toBe(calls.length);
    // All three dispatchers took part.
    const offersByWorker = workers.map(
      (worker) => worker.logs.filter((line) => line.msg === 'Offered').length,
    );
    expect(offersByWorker.reduce((a, b) => a + b, 0)).toBe(calls.length);
  }, 120_000);

  it('serves the oldest waiting contact first across dispatchers', async () => {
    http = await startTestService('postgres', { CENTRALINO_ROLES: 'http' });
    await startWorkers(2);
    const calls = Array.from({ length: 8 }, () => call('8'));
    const ids: string[] = [];
    for (const started of calls)
      ids.push((await postGenericWebhook(http.url, started)).body.contactId as string);
    const carla = await operator('carla');
    const order: string[] = [];
    for (let i = 0; i < calls.length; i++) {
      const offer = await carla.next('offer');
      order.push(offer.contactId);
      expect((await carla.send('offer.accept', { offerId: offer.offerId })).ok).toBe(true);
      await postGenericWebhook(http.url, {
        id: `evt_${randomUUID()}`,
        type: 'call.ended',
        callId: calls[ids.indexOf(offer.contactId)].callId,
      });
    }
    expect(order).toEqual(ids);
  }, 60_000);

  it('recovers the offer of a dispatcher killed with SIGKILL: the contact is re-offered within the offer timeout', async () => {
    http = await startTestService('postgres', { CENTRALINO_ROLES: 'http' });
    await startWorkers(2);
    const carla = await operator('carla');
    const started = call('8');
    const contactId = (await postGenericWebhook(http.url, started)).body.contactId as string;
    const first = await carla.next('offer', (payload) => payload.contactId === contactId);
    // The offer reached the console; the worker's log line saying so may still be in its stdout pipe.
    let offerer: ServiceProcess | undefined;
    for (let waited = 0; !offerer && waited < 3000; waited += 50) {
      offerer = workers.find((worker) =>
        worker.logs.some((line) => line.msg === 'Offered' && line.contactId === contactId),
      );
      if (!offerer) await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(offerer).toBeDefined();
    await offerer!.kill();
    const killedAt = Date.now();

    // Carla does not answer; the surviving worker expires the offer (offer timeout 3 s) and re-offers.
    await expect(
      carla.next('offer.withdrawn', (payload) => payload.offerId === first.offerId, 10_000),
    ).resolves.toMatchObject({
      reason: 'expired',
    });
    const second = await carla.next('offer', (payload) => payload.contactId === contactId, 10_000);
    expect(Date.now() - killedAt).toBeLessThan(8_000);
    expect((await carla.send('offer.accept', { offerId: second.offerId })).ok).toBe(true);
    await postGenericWebhook(http.url, {
      id: `evt_${randomUUID()}`,
      type: 'call.ended',
      callId: started.callId,
    });
    const contact = await waitForState(http.url, contactId, 'completed');
    expect(contact.events.map((event) => event.type)).toEqual([
      'received',
      'triaged',
      'queued',
      'offered',
      'queued',
      'offered',
      'connected',
      'completed',
    ]);
    expect((await getContact(http.url, contactId)).operatorId).toBe(carla.operatorId);
  }, 60_000);
});
