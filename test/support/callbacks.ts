import type { Contact } from '@centralino/contacts';
import { ContactRepository } from '@centralino/persistence';
import { QueueRegistry } from '@centralino/queueing';
import type { OfferPayload } from '@centralino/realtime/operator-events.contract';
import { RecordedRequest, RestStub } from '../providers/rest-stub';
import { ContactView, waitForState } from './contacts-api';
import { writeFixtureConfig } from './fixture-config';
import { OperatorClient } from './operator-client';
import { startTestService, TestService } from './test-service';

type Respond = (request: RecordedRequest) => { status: number; body: unknown };

/**
 * The providers' front office with callbacks: two attempts, one second apart, ringing 10 s (short for
 * the test); `change` adds what one file needs on top.
 */
export function writeCallbackFixture(change: (config: Record<string, unknown>) => void = () => {}): string {
  return writeFixtureConfig((config) => {
    config.callbacks = { digit: '9', maxAttempts: 2, retryDelaySeconds: 1, ringSeconds: 10 };
    change(config);
  }, 'front-office.providers.yaml');
}

/**
 * The steps the callback e2e files share: one service (PGlite), the stub standing in for the provider's
 * REST API, and anna, the operator who takes the billing calls. Each test starts with anna away (`away`
 * in `beforeEach`) and lets calls queue up before she takes any, so the order of the offers is known.
 */
export class CallbackDesk {
  private constructor(
    readonly service: TestService,
    readonly stub: RestStub,
    readonly anna: OperatorClient,
  ) {}

  /** Starts the stub answering with `respond`, then the service with `env(stub)`, then anna's console. */
  static async start(
    respond: Respond,
    env: (stub: RestStub) => Record<string, string>,
  ): Promise<CallbackDesk> {
    const stub = await new RestStub(respond).start();
    let service: TestService | undefined;
    try {
      service = await startTestService('pglite', env(stub));
      return new CallbackDesk(service, stub, await OperatorClient.connect(service.url, 'anna'));
    } catch (error) {
      await service?.stop();
      await stub.stop();
      throw error;
    }
  }

  async stop(): Promise<void> {
    this.anna.close();
    await this.service.stop();
    await this.stub.stop();
  }

  async away(): Promise<void> {
    await this.anna.send('state.set', { state: 'away' });
  }

  /** The contact of a provider's call, read from the database (polled for up to `timeoutMs`). */
  async contactByCall(provider: string, externalId: string, timeoutMs = 0): Promise<Contact> {
    const repository = this.service.running.app.get(ContactRepository);
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const contact = await repository.findByExternalId(provider, externalId);
      if (contact) return contact;
      if (Date.now() >= deadline) throw new Error(`no contact for ${externalId}`);
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
  }

  /** The contact's job in the billing waiting line (there must be one). */
  async billingJob(contactId: string) {
    const job = await this.service.running.app.get(QueueRegistry).waitingLine('billing').getJob(contactId);
    expect(job).toBeDefined();
    return job!;
  }

  /**
   * After the callback key and the hang-up: the contact was not abandoned, it waits as a voice callback
   * to `number` with the same job and enqueue time it had (`before`).
   */
  async expectWaitingAsCallback(
    contact: Contact,
    number: string,
    before: Awaited<ReturnType<CallbackDesk['billingJob']>>,
  ): Promise<void> {
    expect(contact.state).toBe('queued');
    expect(contact.callback).toMatchObject({ number, via: 'voice', attempts: 0 });
    const after = await this.service.running.app.get(QueueRegistry).waitingLine('billing').getJob(contact.id);
    expect(after?.id).toBe(before.id);
    expect(after?.data.enqueuedAt).toBe(before.data.enqueuedAt);
  }

  /** The next offer is for this contact (the order is the point); accepts it and returns it. */
  async acceptNext(expectedContactId: string): Promise<OfferPayload> {
    let offer = await this.anna.next('offer', () => true, 15_000);
    expect(offer.contactId).toBe(expectedContactId);
    for (;;) {
      const ack = await this.anna.send('offer.accept', { offerId: offer.offerId });
      if (ack.ok) return offer;
      // Timed out on a loaded machine before the accept: the same contact is offered again at once.
      if (ack.error.code !== 'offer_not_pending') {
        throw new Error(`refused: ${ack.error.code} ${ack.error.message}`);
      }
      offer = await this.anna.next('offer', (next) => next.contactId === expectedContactId, 15_000);
    }
  }

  /**
   * Accepts the offer of this callback attempt. On a loaded machine an offer may time out before it is
   * answered and be made again (same attempt): the next one is taken then.
   */
  async acceptCallback(contactId: string, attempt: number): Promise<void> {
    for (;;) {
      const offer = await this.anna.next(
        'offer',
        (candidate) => candidate.contactId === contactId && candidate.callback?.attempt === attempt,
        20_000,
      );
      const ack = await this.anna.send('offer.accept', { offerId: offer.offerId });
      if (ack.ok) return;
      if (ack.error.code !== 'offer_not_pending') throw new Error(`refused: ${ack.error.message}`);
    }
  }

  /**
   * The first attempt did not reach the customer: the callback waits out its retry delay
   * (callback_pending; with `status`, the pending event says so for attempt 1) and anna is freed.
   */
  async notReached(contactId: string, status?: string): Promise<ContactView> {
    const pending = await waitForState(this.service.url, contactId, 'callback_pending');
    if (status !== undefined) {
      expect(pending.events.findLast((e) => e.type === 'callback_pending')?.data).toMatchObject({
        status,
        attempt: 1,
      });
    }
    const ended = await this.anna.next('contact.ended', (payload) => payload.contactId === contactId);
    expect(ended.state).toBe('callback_pending');
    return pending;
  }

  /**
   * anna steps away; a younger caller (`younger`) queues while the callback waits out its retry delay.
   * Once anna is back the callback is offered first, at its place, as attempt 2 (accepted).
   */
  async retriedAtItsPlace<T>(contactId: string, younger: () => Promise<T>): Promise<T> {
    await this.away();
    const queued = await younger();
    await waitForState(this.service.url, contactId, 'queued', 10_000);
    await this.anna.available();
    const again = await this.acceptNext(contactId);
    expect(again.callback).toMatchObject({ attempt: 2 });
    return queued;
  }

  /** The last attempt was not reached either: callback_failed, ended, with the provider's `status`. */
  async expectFailed(contactId: string, status: string): Promise<ContactView> {
    const failed = await waitForState(this.service.url, contactId, 'callback_failed');
    expect(failed.endedAt).not.toBeNull();
    expect(failed.events.find((e) => e.type === 'callback_failed')?.data).toMatchObject({
      status,
      attempts: 2,
      reason: 'not_reached',
    });
    return failed;
  }

  /**
   * The caller of a call anna is offered next (after her wrap-up) hangs up (`hangUp`) while it rings: the
   * offer is withdrawn and the contact abandoned, so no offer is left for the next test (a reject would
   * offer it to anna again at once: she is the only one who can take it).
   */
  async hangUpWhileOffered(contactId: string, hangUp: () => Promise<unknown>): Promise<void> {
    await this.anna.next('operator.state', (state) => state.state === 'available', 10_000);
    const offer = await this.anna.next('offer', () => true, 15_000);
    expect(offer.contactId).toBe(contactId);
    await hangUp();
    await expect(
      this.anna.next('offer.withdrawn', (withdrawn) => withdrawn.offerId === offer.offerId),
    ).resolves.toMatchObject({ reason: 'caller_hung_up' });
    await waitForState(this.service.url, contactId, 'abandoned');
  }
}
