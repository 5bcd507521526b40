import { resolve } from 'node:path';
import { Emitter } from '@socket.io/redis-emitter';
import { OPERATORS_NAMESPACE, operatorRoom, RedisIoAdapter } from '@centralino/realtime';
import { RedisService } from '@centralino/redis';
import { sessionValue, startBrowser, TestBrowser, waitForText } from '../support/browser';
import { startTestService, TEST_PASSWORD, TestService } from '../support/test-service';

const CONSOLES_FRONT_OFFICE = resolve(__dirname, '../fixtures/front-office.consoles.yaml');
const ACCESS_TTL_SECONDS = 4;

interface SavedSession {
  token: string;
  refreshToken: string;
  expiresAt: number;
  operator: { id: string };
}

/** Short-lived access tokens: the console refreshes its own before they expire, so it stays logged in. */
describe('console session refresh in Chromium', () => {
  let service: TestService;
  let browser: TestBrowser;

  beforeAll(async () => {
    [service, browser] = await Promise.all([
      startTestService('pglite', {
        FRONT_OFFICE_CONFIG: CONSOLES_FRONT_OFFICE,
        JWT_TTL_SECONDS: String(ACCESS_TTL_SECONDS),
      }),
      startBrowser(),
    ]);
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await service?.stop();
  });

  it('keeps the console connected across the access token expiry, reconnecting with the fresh token', async () => {
    const page = await browser.context.newPage();
    await page.goto(`${service.url}/console`);
    await page.getByLabel('Username').fill('anna');
    await page.getByLabel('Password').fill(TEST_PASSWORD);
    await page.getByRole('button', { name: 'Log in' }).click();
    await waitForText(page, '#state-text', /^Away/);
    const first = (await sessionValue<SavedSession>(page, 'centralino.console'))!;
    expect(first.refreshToken).toMatch(/^rt_/);
    expect(first.expiresAt).toBeGreaterThan(Date.now());

    // Twice refreshed in the background: each time a new access and refresh token.
    let latest = first;
    const deadline = Date.now() + 30_000;
    const seen = new Set([first.token]);
    while (seen.size < 3 && Date.now() < deadline) {
      await page.waitForTimeout(250);
      latest = (await sessionValue<SavedSession>(page, 'centralino.console'))!;
      seen.add(latest.token);
    }
    expect(seen.size).toBe(3);
    expect(latest.refreshToken).not.toBe(first.refreshToken);
    // The first token has expired by now: a reconnection with it would be refused.
    const stale = await fetch(`${service.url}/contacts/00000000-0000-4000-8000-000000000000`, {
      headers: { authorization: `Bearer ${first.token}` },
    });
    expect(stale.status).toBe(401);

    // The server drops the connection: the console reconnects with the current token, no login asked.
    const redis = service.running.app.get(RedisService);
    const emitter = new Emitter(redis.client, { key: RedisIoAdapter.channelPrefix(redis) });
    emitter.of(OPERATORS_NAMESPACE).in(operatorRoom(first.operator.id)).disconnectSockets(true);
    await waitForText(page, '#connection-banner', /Connection lost/);
    await page.locator('#connection-banner').waitFor({ state: 'hidden', timeout: 15_000 });
    expect(await page.locator('#login-view').isHidden()).toBe(true);
    await page.getByRole('button', { name: 'Available', exact: true }).click();
    await waitForText(page, '#state-text', /^Available/);
  });

  it.each([
    ['/reports', 'centralino.reports', 'sara', '#reports-view'],
    ['/inbox', 'centralino.inbox', 'anna', '#inbox-view'],
  ])(
    "%s refreshes its token too and keeps working past the first one's expiry",
    async (path, key, username, view) => {
      const page = await browser.context.newPage();
      await page.goto(`${service.url}${path}`);
      await page.getByLabel('Username').fill(username);
      await page.getByLabel('Password').fill(TEST_PASSWORD);
      await page.getByRole('button', { name: 'Log in' }).click();
      await page.locator(view).waitFor({ state: 'visible' });
      const first = (await sessionValue<SavedSession>(page, key))!;
      expect(first.refreshToken).toMatch(/^rt_/);
      // Once the first token has expired, the page holds another, valid one.
      const probe = async (token: string) =>
        (
          await fetch(`${service.url}/contacts/00000000-0000-4000-8000-000000000000`, {
            headers: { authorization: `Bearer ${token}` },
          })
        ).status;
      const deadline = Date.now() + 30_000;
      while ((await probe(first.token)) !== 401 && Date.now() < deadline) await page.waitForTimeout(250);
      expect(await probe(first.token)).toBe(401);
      let latest = (await sessionValue<SavedSession>(page, key))!;
      while (latest.token === first.token && Date.now() < deadline) {
        await page.waitForTimeout(250);
        latest = (await sessionValue<SavedSession>(page, key))!;
      }
      expect(latest.token).not.toBe(first.token);
      expect(await probe(latest.token)).toBe(404);
      expect(await page.locator('#login-view').isHidden()).toBe(true);
    },
  );
});
