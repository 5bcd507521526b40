import { endGenericCall, startGenericCall } from '../support/calls';
import { waitForState } from '../support/contacts-api';
import { writeFixtureConfig } from '../support/fixture-config';
import { OperatorPool } from '../support/operator-pool';
import { Scrape } from '../support/prometheus';
import { startTestService, TestService } from '../support/test-service';

type Operator = { username: string; passwordHash: string; skills: Record<string, number> };

/**
 * A dispatch round reads only the longest idle operators first (DISPATCH_IDLE_WINDOW, here 1) and the
 * whole pool when they cannot decide: the preferences (language, not just declined) still win over idle
 * time, exactly as with the whole pool read. Billing is longest-idle; PGlite, as the database plays no
 * part in the choice.
 */
describe('dispatch rounds read the longest idle operators first', () => {
  let service: TestService;
  const operators = new OperatorPool(() => service.url);

  beforeAll(async () => {
    const config = writeFixtureConfig((data) => {
      const list = data.operators as Operator[];
      list.push({
        username: 'elena',
        displayName: 'Elena',
        passwordHash: list[0]!.passwordHash,
        languages: ['en'],
        skills: { billing: 1 },
      } as Operator);
    });
    service = await startTestService('pglite', { FRONT_OFFICE_CONFIG: config, DISPATCH_IDLE_WINDOW: '1' });
  }, 60_000);

  afterEach(() => operators.closeAll());

  afterAll(async () => {
    await service?.stop();
  });

  const operator = (username: string) => operators.available(username);
  const call = async (language: string) => {
    const started = await startGenericCall(service.url, { digits: '1', language });
    expect(started.status).toBe(200);
    return started;
  };
  const hangUp = (callId: string) => endGenericCall(service.url, callId);

  it("goes past the window to an operator who speaks the caller's language", async () => {
    // Elena (English only) is idle the longest, so she is the whole window; Bruno speaks Italian.
    const elena = await operator('elena');
    const bruno = await operator('bruno');
    const { callId, contactId } = await call('it');
    const offer = await bruno.next('offer', (next) => next.contactId === contactId);
    expect((await bruno.send('offer.accept', { offerId: offer.offerId })).ok).toBe(true);
    await hangUp(callId);
    const contact = await waitForState(service.url, contactId, 'completed');
    expect(
      contact.events.filter((event) => event.type === 'offered').map((event) => event.data.operatorId),
    ).toEqual([bruno.operatorId]);
    expect(elena.received.filter((entry) => entry.event === 'offer')).toHaveLength(0);
    // The fallback is counted, so an administrator sees when the window is too small.
    const scrape = await Scrape.from(service.url);
    expect(scrape.value('centralino_dispatch_pool_reads_total', { read: 'fallback' })).toBeGreaterThanOrEqual(
      1,
    );
  });

  it('goes past the window when the longest idle operator just declined the contact', async () => {
    // Anna is idle the longest and stays so after declining (a decline keeps her idle time).
    const anna = await operator('anna');
    const elena = await operator('elena');
    const { callId, contactId } = await call('en');
    const first = await anna.next('offer', (next) => next.contactId === contactId);
    expect((await anna.send('offer.reject', { offerId: first.offerId })).ok).toBe(true);
    const second = await elena.next('offer', (next) => next.contactId === contactId, 8000);
    expect((await elena.send('offer.accept', { offerId: second.offerId })).ok).toBe(true);
    await hangUp(callId);
    const contact = await waitForState(service.url, contactId, 'completed');
    expect(
      contact.events.filter((event) => event.type === 'offered').map((event) => event.data.operatorId),
    ).toEqual([anna.operatorId, elena.operatorId]);
  });
});
