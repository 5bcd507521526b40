import type { OfferService } from './offer.service';
import { OfferExpiryService } from './offer-expiry.service';
import type { OfferStore } from './store/offer.store';

/** The expiry set's contract, in memory: ids by expiry time. */
class MemoryExpirySet {
  readonly due = new Map<string, number>();
  dueForExpiry(now: number, limit: number) {
    const ids = [...this.due].filter(([, at]) => at <= now).sort((a, b) => a[1] - b[1]);
    return Promise.resolve(ids.slice(0, limit).map(([id]) => id));
  }
  forgetExpiry(offerId: string) {
    this.due.delete(offerId);
    return Promise.resolve();
  }
}

describe('OfferExpiryService.sweep', () => {
  function sweeper(set: MemoryExpirySet, expire: (offerId: string) => Promise<void>) {
    return new OfferExpiryService(set as unknown as OfferStore, { expire } as unknown as OfferService);
  }

  it('expires every offer past due, batch after batch, and leaves the later ones', async () => {
    const set = new MemoryExpirySet();
    for (let i = 0; i < 250; i++) set.due.set(`o${i}`, 1_000 + i);
    set.due.set('later', 5_000);
    const expired: string[] = [];
    const handled = await sweeper(set, (id) => Promise.resolve(void expired.push(id))).sweep(2_000);
    expect(handled).toBe(250);
    expect(expired).toHaveLength(250);
    expect([...set.due.keys()]).toEqual(['later']);
  });

  it('logs a failing offer, keeps it for the next sweep and still expires the others', async () => {
    const set = new MemoryExpirySet();
    for (let i = 0; i < 100; i++) set.due.set(`o${i}`, i);
    const expired: string[] = [];
    const service = sweeper(set, (id) =>
      id === 'o0' ? Promise.reject(new Error('Redis down')) : Promise.resolve(void expired.push(id)),
    );
    // A full batch with a failure: the sweep returns instead of reading the same batch for ever.
    await expect(service.sweep(1_000)).resolves.toBe(99);
    expect(expired).toHaveLength(99);
    expect([...set.due.keys()]).toEqual(['o0']);
  });
});
