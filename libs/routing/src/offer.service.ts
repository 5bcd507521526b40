import { Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { DomainError } from '@centralino/contacts';
import { FrontOfficeConfig } from '@centralino/config';
import { MetricsService } from '@centralino/observability';
import { ContactRepository } from '@centralino/persistence';
import { TimerHandlerRegistry } from '@centralino/queueing';
import { CallBridges } from './call-bridge';
import { callbackCallId, CallbackDialer } from './callback-dialer.service';
import { ConsoleViewService } from './console-view.service';
import { DispatchSignal } from './dispatch-signal.service';
import { OperatorNotifier } from './operator-notifier';
import { Offer, OfferStore } from './store/offer.store';
import { OperatorStateStore } from './store/operator-state.store';
import { RoutingStatsStore } from './store/routing-stats.store';
import { WaitingLineService } from './waiting-line.service';

/** How long an operator who declined a contact is skipped for it. */
const DECLINED_MEMORY_SECONDS = 120;

/**
 * What happens to an offer after the dispatcher makes it: accept, reject, timeout, or withdrawal when the
 * caller hangs up. Every path settles the offer exactly once (OfferStore.settle) before touching anything.
 */
@Injectable()
export class OfferService implements OnModuleInit {
  private readonly logger = new Logger(OfferService.name);

  constructor(
    private readonly offers: OfferStore,
    private readonly operators: OperatorStateStore,
    private readonly contacts: ContactRepository,
    private readonly waitingLine: WaitingLineService,
    private readonly timers: TimerHandlerRegistry,
    private readonly notifier: OperatorNotifier,
    private readonly signal: DispatchSignal,
    private readonly frontOffice: FrontOfficeConfig,
    private readonly bridges: CallBridges,
    private readonly metrics: MetricsService,
    private readonly views: ConsoleViewService,
    private readonly stats: RoutingStatsStore,
    private readonly callbacks: CallbackDialer,
  ) {}

  onModuleInit(): void {
    // Offers now expire through OfferExpiryService; this handles the delayed jobs that versions before it
    // scheduled, so offers pending across an upgrade still expire.
    this.timers.register('offer.expire', ({ offerId }) => this.expire(offerId));
  }

  /** The offer's time is up: if nobody settled it, the contact goes back to the head of its queue. */
  async expire(offerId: string): Promise<void> {
    const offer = await this.offers.get(offerId);
    if (offer?.status === 'pending') await this.handBack(offer, 'expired');
  }

  private async pendingOffer(operatorId: string, offerId: string): Promise<Offer> {
    const offer = await this.offers.get(offerId);
    if (!offer || offer.operatorId !== operatorId || offer.status !== 'pending') {
      throw new DomainError('offer_not_pending', 'This offer is no longer pending', { offerId });
    }
    return offer;
  }

  async accept(operatorId: string, offerId: string) {
    const offer = await this.pendingOffer(operatorId, offerId);
    const won = offer.ringId
      ? await this.offers.acceptRing(offer)
      : await this.offers.settle(offer, 'accepted');
    if (!won) {
      throw new DomainError('offer_not_pending', 'This offer is no longer pending', { offerId });
    }
    // Ring-all: this accept won; every other operator's offer of the ring is withdrawn at once.
    if (offer.ringId) await this.withdrawRing(offer, offer.id, 'accepted_elsewhere');
    this.metrics.offerSettled(offer.queue, 'accepted');
    // Most offers are calls or chats: connected in one statement. A callback (the row says so) is not
    // connected yet: the operator holds it while the service calls the customer.
    let contact = await this.contacts.transition(
      offer.contactId,
      ['offered'],
      'connected',
      { connectedAt: new Date(), operatorId },
      { offerId, operatorId },
      new Date(),
      undefined,
      { noCallback: true },
    );
    if (!contact) {
      const offered = await this.contacts.findById(offer.contactId);
      const callback = offered?.state === 'offered' ? offered.callback : null;
      if (callback) {
        contact = await this.contacts.transition(
          offer.contactId,
          ['offered'],
          'calling_back',
          {
            operatorId,
            callback: { ...callback, attempts: callback.attempts + 1 },
            ...(offered?.channel === 'voice'
              ? { externalId: callbackCallId(offer.contactId, callback.attempts + 1) }
              : {}),
          },
          { offerId, operatorId, attempt: callback.attempts + 1 },
        );
      }
    }
    if (!contact) {
      // The caller hung up between the offer and the click.
      await this.freeSlot(offer);
      await this.signal.notify();
      throw new DomainError('conflict', 'The caller is no longer waiting', { offerId });
    }
    const connected = contact;
    // The contact is the operator's now: its job, the operator's slot and the day's count are independent
    // writes, sent together (one Redis write for the store's, not one round trip each).
    const holdSlot = async () => {
      if (offer.channel === 'chat') {
        // A chat holds one of the operator's chat slots; their state (the voice slot) does not change.
        await this.operators.connectChat(operatorId, connected.id, offer.id);
        await this.operators.resetMissed(operatorId);
      } else {
        await this.operators.transition(operatorId, ['reserved'], 'busy', {
          offerId: null,
          contactId: connected.id,
          missed: 0,
        });
      }
    };
    await Promise.all([
      this.waitingLine.finish(offer.queue, offer.jobId, offer.token, 'accepted'),
      holdSlot(),
      this.stats.handled(operatorId),
    ]);
    // The provider's side (a REST call for most) and the console's view (a database read) side by side.
    const [payload] = await Promise.all([
      this.views.current(connected),
      connected.state === 'calling_back'
        ? // The provider calls the customer back and puts them through to the operator's endpoint.
          this.callbacks.place(connected, operatorId)
        : // The provider connects the waiting call to the operator's endpoint (no-op for the generic webhook).
          this.bridges.connect(connected, operatorId),
    ]);
    await this.notifier.emit(operatorId, 'contact.connected', payload);
    return payload;
  }

  async reject(operatorId: string, offerId: string): Promise<void> {
    const offer = await this.pendingOffer(operatorId, offerId);
    await this.handBack(offer, 'rejected');
  }

  /**
   * Puts the contact back at the head of its queue and frees the operator. Used for rejects, timeouts
   * and an operator who went offline with an offer on screen.
   */
  async handBack(offer: Offer, reason: 'rejected' | 'expired' | 'operator_offline'): Promise<void> {
    const status = reason === 'rejected' ? 'rejected' : 'expired';
    // Ring-all: only the last of the ring's offers to be declined puts the contact back.
    const outcome = offer.ringId
      ? await this.offers.settleRing(offer, status)
      : (await this.offers.settle(offer, status))
        ? 1
        : -1;
    if (outcome < 0) return;
    this.metrics.offerSettled(offer.queue, reason);
    if (outcome === 1) await this.putBack(offer, reason);
    await this.offers.addDeclined(offer.contactId, offer.operatorId, DECLINED_MEMORY_SECONDS);
    if (reason === 'expired') {
      const missed = await this.operators.incrementMissed(offer.operatorId);
      if (missed >= this.frontOffice.data.routing.maxMissedOffers) {
        // A missed chat does not pause an operator who is on a call or has a call ringing.
        await this.operators.transition(
          offer.operatorId,
          offer.channel === 'chat' ? ['available', 'wrap_up'] : ['reserved'],
          'away',
          offer.channel === 'chat' ? { reason: 'missed_offers' } : { offerId: null, reason: 'missed_offers' },
        );
        this.logger.warn({ operatorId: offer.operatorId, missed }, 'Operator set away after missed offers');
      }
    }
    if (offer.channel === 'chat') await this.freeSlot(offer);
    else if (reason !== 'operator_offline') {
      await this.operators.transition(offer.operatorId, ['reserved'], 'available', { offerId: null });
    }
    await this.notifier.emit(offer.operatorId, 'offer.withdrawn', { offerId: offer.id, reason });
    const state = await this.operators.get(offer.operatorId);
    await this.notifier.emit(offer.operatorId, 'operator.state', {
      state: state.state,
      since: state.since,
      reason: state.reason,
    });
    await this.signal.notify();
  }

  /** Back to the head of its queue (nobody took the offer), keeping its place. */
  private async putBack(offer: Offer, reason: string): Promise<void> {
    // A contact transferred to this operator by name falls back to its whole queue (docs/routing.md).
    await this.waitingLine.dropTarget(offer.queue, offer.jobId);
    await this.waitingLine.putBack(offer.queue, offer.jobId, offer.token);
    await this.contacts.transition(
      offer.contactId,
      ['offered'],
      'queued',
      { operatorId: null },
      {
        offerId: offer.id,
        operatorId: offer.operatorId,
        reason,
      },
    );
  }

  /** Withdraws a ring's offers still pending (another accepted, or the caller left); frees their slots. */
  private async withdrawRing(
    offer: Offer,
    winner: string,
    reason: 'accepted_elsewhere' | 'caller_hung_up',
  ): Promise<Offer[]> {
    const withdrawn = await this.offers.withdrawRing(offer.ringId!, offer.contactId, winner);
    for (const other of withdrawn) {
      this.metrics.offerSettled(other.queue, 'withdrawn');
      await this.freeSlot(other);
      await this.notifier.emit(other.operatorId, 'offer.withdrawn', { offerId: other.id, reason });
    }
    if (withdrawn.length > 0) await this.signal.notify();
    return withdrawn;
  }

  /** The caller hung up while an offer was on an operator's screen. Returns false if nothing was pending. */
  async withdrawForHangUp(contactId: string): Promise<boolean> {
    const offer = await this.offers.pendingForContact(contactId);
    if (offer?.ringId) {
      const withdrawn = await this.withdrawRing(offer, '-', 'caller_hung_up');
      if (withdrawn.length === 0) return false;
      await this.waitingLine.finish(offer.queue, offer.jobId, offer.token, 'abandoned');
      return true;
    }
    if (!offer || !(await this.offers.settle(offer, 'withdrawn'))) return false;
    this.metrics.offerSettled(offer.queue, 'withdrawn');
    await this.waitingLine.finish(offer.queue, offer.jobId, offer.token, 'abandoned');
    await this.freeSlot(offer);
    await this.notifier.emit(offer.operatorId, 'offer.withdrawn', {
      offerId: offer.id,
      reason: 'caller_hung_up',
    });
    await this.signal.notify();
    return true;
  }

  /** Frees what the offer held: the operator's voice slot (reserved -> available) or its chat slot. */
  private async freeSlot(offer: Offer): Promise<void> {
    if (offer.channel === 'chat') {
      await this.operators.releaseOfferedChat(offer.operatorId, offer.contactId, offer.id);
    } else {
      await this.operators.transition(offer.operatorId, ['reserved'], 'available', { offerId: null });
    }
  }

  /** Every offer pending on this operator's console: the call's (voice slot) and the chats'. */
  async pendingOf(operatorId: string): Promise<Offer[]> {
    const [live, slots] = await Promise.all([
      this.operators.get(operatorId),
      this.operators.chatSlots(operatorId),
    ]);
    const ids = [live.offerId, ...slots.map((slot) => slot.offerId)].filter((id): id is string => !!id);
    const offers = await Promise.all(ids.map((id) => this.offers.get(id)));
    return offers.filter((offer): offer is Offer => offer?.status === 'pending');
  }

  get offerTimeoutMs(): number {
    return this.frontOffice.data.routing.offerTimeoutSeconds * 1000;
  }
}
