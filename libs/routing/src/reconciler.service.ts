import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { FrontOfficeConfig } from '@centralino/config';
import { Contact } from '@centralino/contacts';
import { ContactRepository } from '@centralino/persistence';
import { QueueRegistry } from '@centralino/queueing';
import { CallbackService } from './callback.service';
import { ContactFlowService } from './contact-flow.service';
import { DispatchSignal } from './dispatch-signal.service';
import { QueueRulesService } from './queue-rules.service';
import { OfferStore } from './store/offer.store';
import { OperatorStateStore } from './store/operator-state.store';

const INTERVAL_MS = 5_000;

/**
 * Repairs what a crash between two writes can leave behind (worker role), so no contact is lost and no
 * operator stays reserved: a queued contact without its job gets it back; an offered contact or a
 * reserved operator whose offer vanished is released once the offer's time is well past; the operator
 * indexes (away set, idle index) are rebuilt from the operators' states.
 */
@Injectable()
export class ReconcilerService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(ReconcilerService.name);
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;

  constructor(
    private readonly contacts: ContactRepository,
    private readonly flow: ContactFlowService,
    private readonly rules: QueueRulesService,
    private readonly offers: OfferStore,
    private readonly operators: OperatorStateStore,
    private readonly signal: DispatchSignal,
    private readonly frontOffice: FrontOfficeConfig,
    private readonly callbacks: CallbackService,
    private readonly queues: QueueRegistry,
  ) {}

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => {
      if (!this.running)
        this.running = this.reconcile()
          .catch((error: Error) => this.logger.error(error.message))
          .finally(() => (this.running = null));
    }, INTERVAL_MS);
  }

  async onApplicationShutdown(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.running;
  }

  private get staleAfterMs(): number {
    return this.frontOffice.data.routing.offerTimeoutSeconds * 1000 + 30_000;
  }

  async reconcile(): Promise<void> {
    const now = Date.now();
    // Every queued contact has its job: checked per queue in one trip (long lines are long under load),
    // and only a contact without one is looked at closely.
    const byQueue = new Map<string, Contact[]>();
    for (const contact of await this.contacts.listByState('queued')) {
      if (!contact.problemType) continue;
      const queued = byQueue.get(contact.problemType);
      if (queued) queued.push(contact);
      else byQueue.set(contact.problemType, [contact]);
    }
    for (const [queue, queued] of byQueue) {
      const missing = new Set(
        await this.queues.withoutJob(
          queue,
          queued.map(({ id }) => id),
        ),
      );
      for (const contact of queued.filter(({ id }) => missing.has(id))) {
        // Admitted again by the queue's rules: a contact whose queue has closed meanwhile is diverted.
        if (await this.rules.admitIfMissing(contact)) {
          this.logger.warn({ contactId: contact.id }, 'Queued contact had no job: admitted again');
        }
      }
    }
    // Callbacks whose retry or attempt timer did not run (CallbackService.recover).
    await this.callbacks.recover(now);
    for (const contact of await this.contacts.listByState('offered')) {
      const offer = await this.offers.pendingForContact(contact.id);
      const since = contact.queuedAt?.getTime() ?? contact.receivedAt.getTime();
      if (!offer && now - since > this.staleAfterMs) {
        const requeued = await this.contacts.transition(
          contact.id,
          ['offered'],
          'queued',
          { operatorId: null },
          { reason: 'offer_lost' },
        );
        if (requeued) await this.flow.ensureWaiting(requeued);
      }
    }
    const online = await this.operators.onlineIds();
    const states = await this.operators.getMany(online);
    for (const [index, operatorId] of online.entries()) {
      const state = states[index]!;
      if (state.state !== 'reserved' || now - state.since < this.staleAfterMs) continue;
      const offer = state.offerId ? await this.offers.get(state.offerId) : null;
      if (!offer || offer.status !== 'pending') {
        await this.operators.transition(operatorId, ['reserved'], 'available', { offerId: null });
        await this.signal.notify();
      }
    }
    // Operators changed by an instance of the previous version (rolling upgrade) join the idle index.
    await this.operators.rebuildIndexes();
  }
}
