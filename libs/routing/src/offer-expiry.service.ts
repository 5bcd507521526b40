import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { OfferService } from './offer.service';
import { OfferStore } from './store/offer.store';

/** How often the expiry set is read: an unanswered offer is handed back at most this late. */
export const OFFER_EXPIRY_SWEEP_MS = 250;
/** Offers handled per read; more are taken at once by the next read. */
const BATCH = 100;

/**
 * Hands back offers nobody answered in time (worker role). Every worker process sweeps the one expiry
 * set (OfferStore), so the offers of a process that died still expire; two sweepers seeing the same
 * offer are harmless, as an offer is settled exactly once.
 */
@Injectable()
export class OfferExpiryService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(OfferExpiryService.name);
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<unknown> | null = null;

  constructor(
    private readonly offers: OfferStore,
    private readonly offerService: OfferService,
  ) {}

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => {
      this.running ??= this.sweep()
        .catch((error: Error) => this.logger.error({ err: error.message }, 'Offer expiry sweep failed'))
        .finally(() => (this.running = null));
    }, OFFER_EXPIRY_SWEEP_MS);
  }

  async onApplicationShutdown(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.running;
  }

  /**
   * Expires the offers past due; returns how many it handled. One that fails is logged and left in the
   * set for the next sweep, without holding back the others.
   */
  async sweep(now = Date.now()): Promise<number> {
    let handled = 0;
    for (;;) {
      const due = await this.offers.dueForExpiry(now, BATCH);
      let failed = false;
      for (const offerId of due) {
        try {
          await this.offerService.expire(offerId);
          // Forgotten only once handled: if this process dies in between, the next sweep expires it.
          await this.offers.forgetExpiry(offerId);
          handled++;
        } catch (error) {
          failed = true;
          this.logger.error(
            { offerId, err: (error as Error).message },
            'Offer expiry failed: retried next sweep',
          );
        }
      }
      // A full batch may have more behind it; after a failure the next sweep reads again.
      if (due.length < BATCH || failed) return handled;
    }
  }
}
