import { mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { fitsWidth, startBrowser, TestBrowser, waitForLog, waitForText } from '../support/browser';
import { callStarted } from '../support/calls';
import { OperatorClient } from '../support/operator-client';
import { writeFixtureConfig } from '../support/fixture-config';
import { startTestService, TEST_PASSWORD, TestService } from '../support/test-service';
import { postGenericWebhook } from '../support/webhook-client';

// The consoles' front office with a team: anna and bruno are in it, sara supervises it (team scoping).
const FRONT_OFFICE = writeFixtureConfig((config) => {
  config.teams = [{ id: 'front', name: 'Front desk' }];
  for (const operator of config.operators as { username: string; team?: string; supervises?: string[] }[]) {
    if (['anna', 'bruno'].includes(operator.username)) operator.team = 'front';
    if (operator.username === 'sara') operator.supervises = ['front'];
  }
  config.directory = [
    {
      id: 'accounts',
      kind: 'department',
      name: 'Accounts',
      phone: '+390200000001',
      email: 'acc@example.com',
    },
  ];
}, 'front-office.consoles.yaml');

/** The caller of the tablet-width test, who leaves a message and then calls again. */
const CALLER = '+393339990001';

/** Screenshots of the pages, to look at (not compared): CENTRALINO_SCREENSHOTS or a temporary folder. */
const SHOTS = process.env.CENTRALINO_SCREENSHOTS ?? join(tmpdir(), 'centralino-screenshots');

describe('in-contact and supervisor actions in Chromium', () => {
  let service: TestService;
  let browser: TestBrowser;

  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    [service, browser] = await Promise.all([
      startTestService('pglite', { FRONT_OFFICE_CONFIG: FRONT_OFFICE }),
      startBrowser(),
    ]);
  }, 90_000);

  afterAll(async () => {
    await browser?.close();
    await service?.stop();
  });

  async function open(path: '/console' | '/dashboard', username: string, width = 1280, height = 800) {
    const page = await browser.context.newPage();
    await page.setViewportSize({ width, height });
    await page.goto(`${service.url}${path}`);
    await page.getByLabel('Username').fill(username);
    await page.getByLabel('Password').fill(TEST_PASSWORD);
    await page.getByRole('button', { name: 'Log in' }).click();
    return page;
  }

  const queue = (id: string, field: string) => `#queue-rows tr[data-id="${id}"] [data-field="${field}"]`;
  const available = (page: Page) => page.getByRole('button', { name: 'Available', exact: true }).click();

  it('rings, is accepted, noted, transferred to a queue, taken by a colleague and completed; the dashboard follows and its actions reach the consoles', async () => {
    const dashboard = await open('/dashboard', 'sara');
    await waitForText(dashboard, queue('billing', 'waiting'), '0');
    const anna = await open('/console', 'anna');
    const bruno = await open('/console', 'bruno');
    await waitForText(anna, '#state-text', 'Away (not ready)');
    await waitForText(bruno, '#state-text', 'Away (not ready)');
    await available(anna);
    await waitForText(anna, '#state-text', 'Available');

    // A billing call: only anna is available, her console rings.
    const call = callStarted({ digits: '1' });
    const started = await postGenericWebhook(service.url, call);
    expect(started.body).toMatchObject({ queue: 'billing' });
    const contactId = started.body.contactId as string;
    await anna.locator('#offer').waitFor({ state: 'visible' });
    await waitForText(anna, '#offer-countdown', /^(1\d|20)$/);
    await anna.screenshot({ path: join(SHOTS, 'console-offer-1280.png'), fullPage: true });
    await anna.getByRole('button', { name: /^Accept/ }).click();
    await waitForText(anna, '#contact-status', 'Connected');
    await waitForText(anna, '#contact-previous li', 'None');
    await waitForText(dashboard, queue('billing', 'busy'), '1');

    // A note, which survives a reload (it is in the snapshot).
    await anna.getByLabel('New note').fill('Chiede il rimborso della fattura di marzo');
    await anna.getByRole('button', { name: 'Add note' }).click();
    await waitForText(anna, '#contact-notes li', /Anna: Chiede il rimborso della fattura di marzo$/);
    await anna.reload();
    await waitForText(anna, '#contact-status', 'Connected');
    await waitForText(anna, '#contact-notes li', /Anna: Chiede il rimborso della fattura di marzo$/);
    expect(await fitsWidth(anna)).toBe(true);
    await anna.screenshot({ path: join(SHOTS, 'console-contact-1280.png'), fullPage: true });

    // Transfer to the support queue: anna wraps up, the contact waits there (bruno is away).
    await anna.getByLabel('Transfer to a').selectOption('queue');
    await anna.getByLabel('Transfer target').selectOption('technical_support');
    await anna.getByRole('button', { name: 'Transfer', exact: true }).click();
    await anna.locator('#wrapup').waitFor({ state: 'visible' });
    await waitForText(anna, '#wrapup-outcome', 'queued');
    await waitForLog(anna, /Transferred to Support/);
    await waitForText(dashboard, queue('technical_support', 'waiting'), '1');
    const waitingRow = `#waiting-rows tr[data-id="${contactId}"]`;
    await waitForText(dashboard, `${waitingRow} [data-field="queue"]`, 'Support');

    // The supervisor raises its priority.
    await dashboard
      .getByRole('button', { name: `Raise the priority of contact ${contactId.slice(0, 8)}` })
      .click();
    await waitForText(dashboard, `${waitingRow} [data-field="priority"]`, '1');
    await waitForText(dashboard, '#action-status', /priority raised/);
    await dashboard.screenshot({ path: join(SHOTS, 'dashboard-1280.png'), fullPage: true });

    // Bruno becomes available, is offered the contact with anna's note, and completes it.
    await available(bruno);
    await bruno.locator('#offer').waitFor({ state: 'visible' });
    await bruno.locator('body').press('a');
    await waitForText(bruno, '#contact-status', 'Connected');
    await waitForText(bruno, '#contact-notes li', /Anna: Chiede il rimborso/);
    await bruno.getByLabel('Disposition').selectOption('resolved');
    await bruno.getByRole('button', { name: 'Complete', exact: true }).click();
    await bruno.locator('#wrapup').waitFor({ state: 'visible' });
    await waitForText(bruno, '#wrapup-outcome', 'completed, resolved');
    await waitForText(dashboard, queue('technical_support', 'answered'), '1');
    await waitForText(dashboard, queue('technical_support', 'waiting'), '0');

    // A broadcast reaches both consoles; setting away and logging out reach the operator.
    await dashboard.getByLabel('Message', { exact: true }).fill('Riunione alle 12');
    await dashboard.getByRole('button', { name: 'Send to all operators' }).click();
    await waitForText(anna, '#broadcast-text', 'Message from Sara: Riunione alle 12');
    await waitForText(bruno, '#broadcast-text', 'Message from Sara: Riunione alle 12');
    await waitForText(dashboard, '#broadcasts li', /Sara: Riunione alle 12$/);

    await waitForText(anna, '#state-text', 'Available', 10_000);
    await dashboard.getByLabel('Reason when setting an operator away').selectOption('meeting');
    await dashboard.getByRole('button', { name: 'Set Anna away' }).click();
    await waitForText(anna, '#state-text', 'Away (meeting)');
    await waitForText(dashboard, '#operator-rows tr:first-child [data-field="state"]', 'Away (meeting)');

    await waitForText(bruno, '#state-text', 'Available', 10_000);
    await dashboard.getByRole('button', { name: 'Log Bruno out' }).click();
    // docs/realtime.md says `by` is the display name; the server currently sends the username.
    await waitForText(bruno, '#login-error', /^You were logged out by sara\.$/i);
    expect(await bruno.locator('#console-view').isHidden()).toBe(true);
    // It stays logged out (no reconnect by itself).
    await bruno.waitForTimeout(2000);
    expect(await bruno.locator('#login-view').isVisible()).toBe(true);
    await waitForText(dashboard, '#operator-rows [data-field="name"]', 'Anna');

    for (const page of [anna, bruno, dashboard]) await page.close();
  }, 120_000);

  it('at tablet width: the operator takes a message and the dashboard fits', async () => {
    const dashboard = await open('/dashboard', 'sara', 768, 1024);
    const anna = await open('/console', 'anna', 768, 1024);
    // Away after a fresh log-in, or still away from another test: either way she becomes available.
    await waitForText(anna, '#state-text', /^(Away|Available)/);
    if ((await anna.locator('#state-text').textContent())?.startsWith('Away')) await available(anna);
    await waitForText(anna, '#state-text', 'Available');
    await postGenericWebhook(service.url, callStarted({ digits: '1', from: CALLER }));
    await anna.locator('#offer').waitFor({ state: 'visible' });
    expect(await fitsWidth(anna)).toBe(true);
    await anna.locator('body').press('a');
    await waitForText(anna, '#contact-status', 'Connected');
    expect(await fitsWidth(anna)).toBe(true);

    await anna.getByText('Take a message').click();
    await anna.getByLabel('For').selectOption('accounts');
    await anna.getByLabel('Message', { exact: true }).fill('Richiamare per la nota di credito');
    await anna.getByLabel('Urgency').selectOption('urgent');
    await anna.getByRole('button', { name: 'Take message and end the call' }).click();
    await waitForText(anna, '#wrapup-outcome', 'message_taken');
    await waitForLog(anna, /Message taken/);
    await anna.screenshot({ path: join(SHOTS, 'console-768.png'), fullPage: true });

    await waitForText(dashboard, '#operator-rows [data-field="name"]', 'Anna');
    expect(await fitsWidth(dashboard)).toBe(true);
    await dashboard.screenshot({ path: join(SHOTS, 'dashboard-768.png'), fullPage: true });

    // Accounts answers the message; when the same caller calls again the console says so.
    const { token } = await OperatorClient.login(service.url, 'sara');
    const api = async (method: 'GET' | 'POST', path: string, body?: unknown) => {
      const response = await fetch(`${service.url}${path}`, {
        method,
        headers: {
          authorization: `Bearer ${token}`,
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      expect(response.status).toBe(200);
      return (await response.json()) as { messages?: { id: string; caller: { address: string } }[] };
    };
    const { messages } = await api('GET', '/messages?department=accounts');
    const left = messages!.find((message) => message.caller.address === CALLER)!;
    expect(left).toBeDefined();
    await api('POST', `/messages/${left.id}/notes`, { text: 'Nota di credito emessa.' });
    await waitForText(anna, '#state-text', 'Available', 10_000);
    await postGenericWebhook(service.url, callStarted({ digits: '1', from: CALLER }));
    await anna.locator('#offer').waitFor({ state: 'visible' });
    await anna.locator('body').press('a');
    await waitForText(anna, '#contact-status', 'Connected');
    await waitForText(anna, '#contact-messages li', /^Message to Accounts, .+ · answered .+/);
    await anna.getByLabel('Disposition').selectOption('resolved');
    await anna.getByRole('button', { name: 'Complete', exact: true }).click();
    await waitForText(anna, '#wrapup-outcome', 'completed, resolved');
    await anna.close();
    await dashboard.close();
  }, 90_000);
});
