import { resolve } from 'node:path';
import { Emitter } from '@socket.io/redis-emitter';
import type { Page } from 'playwright-core';
import { OPERATORS_NAMESPACE, operatorRoom, RedisIoAdapter } from '@centralino/realtime';
import { RedisService } from '@centralino/redis';
import {
  fitsWidth,
  sessionValue,
  startBrowser,
  TestBrowser,
  waitForAttributeChange,
  waitForLog,
  waitForText,
} from '../support/browser';
import { callEnded, callStarted } from '../support/calls';
import { startTestService, TEST_PASSWORD, TestService } from '../support/test-service';
import { postGenericWebhook } from '../support/webhook-client';

const CONSOLES_FRONT_OFFICE = resolve(__dirname, '../fixtures/front-office.consoles.yaml');

describe('operator console and supervisor dashboard in Chromium', () => {
  let service: TestService;
  let browser: TestBrowser;

  beforeAll(async () => {
    [service, browser] = await Promise.all([
      startTestService('pglite', { FRONT_OFFICE_CONFIG: CONSOLES_FRONT_OFFICE }),
      startBrowser(),
    ]);
  });

  afterAll(async () => {
    await browser?.close();
    await service?.stop();
  });

  async function logIn(page: Page, path: '/console' | '/dashboard', username: string): Promise<void> {
    await page.goto(`${service.url}${path}`);
    await page.getByLabel('Username').fill(username);
    await page.getByLabel('Password').fill(TEST_PASSWORD);
    await page.getByRole('button', { name: 'Log in' }).click();
  }

  const billing = (field: string) => `#queue-rows tr[data-id="billing"] [data-field="${field}"]`;

  it('rings, survives a reload mid-offer, is accepted with the keyboard and wraps up, while the dashboard follows', async () => {
    const dashboard = await browser.context.newPage();
    await logIn(dashboard, '/dashboard', 'sara');
    await waitForText(dashboard, billing('waiting'), '0');

    const console = await browser.context.newPage();
    await logIn(console, '/console', 'anna');
    await waitForText(console, '#state-text', 'Away (not ready)');
    await waitForText(console, '#who', 'Anna');
    expect(await fitsWidth(console)).toBe(true);

    // A call arrives while anna is not ready: the dashboard shows it waiting.
    const call = callStarted({ speech: 'ho un problema con la fattura di marzo', language: 'it' });
    const started = await postGenericWebhook(service.url, call);
    expect(started.body).toMatchObject({ queue: 'billing', state: 'queued' });
    await waitForText(dashboard, billing('waiting'), '1');
    await waitForText(dashboard, billing('estimated-wait'), '—');
    await waitForText(
      dashboard,
      `#waiting-rows tr[data-id="${started.body.contactId as string}"] [data-field="queue"]`,
      'Billing',
    );
    await waitForText(dashboard, `#operator-rows [data-field="name"]`, 'Anna');

    // Anna becomes available: the console rings with a countdown and the contact's details.
    await console.getByRole('button', { name: 'Available', exact: true }).click();
    await console.locator('#offer').waitFor({ state: 'visible' });
    const offerId = await console.locator('#offer').getAttribute('data-offer-id');
    expect(offerId).toBeTruthy();
    const countdown = Number(await waitForText(console, '#offer-countdown', /^(1\d|20)$/));
    expect(await console.locator('#offer-caller').textContent()).toBe('+39***567');
    expect(await console.locator('#contact-problem').textContent()).toBe('billing');
    expect(await console.locator('#contact-utterance').textContent()).toBe(
      'ho un problema con la fattura di marzo',
    );
    expect(await console.locator('#contact-reasons li').count()).toBeGreaterThan(0);
    await waitForText(console, '#contact-confidence', /^\d+%$/);
    await waitForText(dashboard, billing('waiting'), '0');
    await waitForText(dashboard, billing('offered'), '1');
    await waitForText(dashboard, billing('estimated-wait'), /^\d+:\d\d$/);
    expect(await console.locator('#connection-banner').isHidden()).toBe(true);
    expect(await console.locator('#error-banner').isHidden()).toBe(true);

    // A reload mid-offer restores the same offer from the snapshot, with the time left.
    await console.reload();
    await console.locator('#offer').waitFor({ state: 'visible' });
    expect(await console.locator('#offer').getAttribute('data-offer-id')).toBe(offerId);
    const left = Number(await waitForText(console, '#offer-countdown', /^\d+$/));
    expect(left).toBeGreaterThan(0);
    expect(left).toBeLessThanOrEqual(countdown);
    await waitForText(console, '#state-text', 'Ringing');

    // Accept with the keyboard.
    await console.locator('body').press('a');
    await console.locator('#offer').waitFor({ state: 'hidden' });
    await waitForText(console, '#contact-status', 'Connected');
    await waitForText(console, '#state-text', 'Busy');
    await waitForText(console, '#contact-problem', 'billing');
    await waitForText(dashboard, billing('busy'), '1');
    await waitForText(dashboard, billing('offered'), '0');

    // The caller hangs up: wrap-up with its countdown, then available again.
    await postGenericWebhook(service.url, callEnded(call.callId, 'completed'));
    await console.locator('#wrapup').waitFor({ state: 'visible' });
    await waitForText(console, '#wrapup-countdown', /^[1-3]$/);
    await waitForText(console, '#contact-status', 'Ended (completed)');
    await waitForText(dashboard, billing('wrap-up'), '1');
    await waitForText(console, '#state-text', 'Available', 8000);
    await console.locator('#wrapup').waitFor({ state: 'hidden' });
    await waitForText(dashboard, billing('available'), '1');
    await waitForText(dashboard, billing('answered'), '1');
    await waitForText(dashboard, billing('service-level'), '100% ≤ 20 s');

    await console.getByRole('button', { name: 'Away', exact: true }).click();
    await waitForText(console, '#state-text', 'Away (break)');
    await console.close();
    await dashboard.close();
  }, 60_000);

  it('works at tablet width: an offer is rejected with R and the caller hanging up clears it', async () => {
    const console = await browser.context.newPage();
    await console.setViewportSize({ width: 768, height: 1024 });
    await logIn(console, '/console', 'bruno');
    await waitForText(console, '#state-text', 'Away (not ready)');
    await console.getByRole('button', { name: 'Available', exact: true }).click();
    await waitForText(console, '#state-text', 'Available');

    const call = callStarted({ digits: '2' });
    await postGenericWebhook(service.url, call);
    await console.locator('#offer').waitFor({ state: 'visible' });
    expect(await fitsWidth(console)).toBe(true);
    const accept = await console.locator('#accept').boundingBox();
    expect(accept && accept.x + accept.width <= 768).toBe(true);

    const offerId = await console.locator('#offer').getAttribute('data-offer-id');
    await console.locator('body').press('r');
    await waitForLog(console, /Offer withdrawn: rejected/);
    // Nobody else has the skill, so bruno is offered the call again; then the caller gives up.
    await waitForAttributeChange(console, '#offer', 'data-offer-id', offerId);
    await postGenericWebhook(service.url, callEnded(call.callId));
    await console.locator('#offer').waitFor({ state: 'hidden' });
    await waitForLog(console, /Offer withdrawn: caller hung up/);
    await waitForText(console, '#state-text', 'Available');

    await console.getByLabel('Away reason').selectOption('lunch');
    await console.getByRole('button', { name: 'Away', exact: true }).click();
    await waitForText(console, '#state-text', 'Away (lunch)');
    await console.close();
  }, 60_000);

  it('shows a reconnect banner while the connection is down and an error banner when the server refuses an answer', async () => {
    const redis = service.running.app.get(RedisService);
    const emitter = new Emitter(redis.client, { key: RedisIoAdapter.channelPrefix(redis) });
    const console = await browser.context.newPage();
    await logIn(console, '/console', 'anna');
    await waitForText(console, '#state-text', /^Away/);
    const operatorId = (await sessionValue<{ operator: { id: string } }>(console, 'centralino.console'))!
      .operator.id;

    // The connection drops (the server closes it): banner, then socket.io reconnects and the snapshot comes.
    emitter.of(OPERATORS_NAMESPACE).in(operatorRoom(operatorId)).disconnectSockets(true);
    await waitForText(console, '#connection-banner', /Connection lost/);
    await console.locator('#connection-banner').waitFor({ state: 'hidden', timeout: 10_000 });
    await waitForText(console, '#state-text', /^Away/);

    // An answer the server refuses (this offer is not pending) shows its reason and leaves the page usable.
    emitter
      .of(OPERATORS_NAMESPACE)
      .to(operatorRoom(operatorId))
      .emit('offer', {
        offerId: 'not-a-real-offer',
        contactId: '00000000-0000-4000-8000-000000000000',
        queue: 'billing',
        channel: 'voice',
        caller: '+39***000',
        language: 'it',
        problemType: 'billing',
        triage: null,
        waitedSeconds: 0,
        expiresAt: Date.now() + 15_000,
      });
    await console.locator('#offer').waitFor({ state: 'visible' });
    await console.locator('body').press('a');
    await waitForText(console, '#error-text', 'This offer is no longer pending');
    await console.locator('#offer').waitFor({ state: 'hidden' });
    await waitForLog(console, /Offer withdrawn: no longer pending/);
    await console.getByRole('button', { name: 'Dismiss' }).click();
    await console.locator('#error-banner').waitFor({ state: 'hidden' });
    await console.close();
  });

  it('tells an operator that the dashboard is for supervisors', async () => {
    const page = await browser.context.newPage();
    await logIn(page, '/dashboard', 'anna');
    await waitForText(page, '#login-error', /for supervisors/);
    expect(await page.locator('#dashboard-view').isHidden()).toBe(true);
    await page.close();
  });
});
