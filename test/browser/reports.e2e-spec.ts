import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Page } from 'playwright-core';
import { ContactRepository, OperatorRepository } from '@centralino/persistence';
import { fitsWidth, startBrowser, TestBrowser, waitForText } from '../support/browser';
import { startTestService, TEST_PASSWORD, TestService } from '../support/test-service';

const CONSOLES_FRONT_OFFICE = resolve(__dirname, '../fixtures/front-office.consoles.yaml');
const at = (time: string) => new Date(`2026-11-02T${time}+01:00`);

describe('reports page in Chromium', () => {
  let service: TestService;
  let browser: TestBrowser;

  /** A billing call queued at `queued`, answered by anna after `wait` s and completed, or abandoned. */
  async function contact(
    queued: string,
    outcome: { answeredAfter: number; talk: number } | { abandonedAfter: number },
  ) {
    const contacts = service.running.app.get(ContactRepository);
    const anna = (await service.running.app.get(OperatorRepository).findByUsername('anna'))!.id;
    const id = randomUUID();
    const start = at(queued);
    const later = (seconds: number) => new Date(start.getTime() + seconds * 1000);
    await contacts.createFromWebhook(
      {
        id,
        channel: 'voice',
        provider: 'generic',
        externalId: `browser_${id}`,
        fromAddress: '+390655566677',
        toAddress: '+390200000000',
        state: 'queued',
        problemType: 'billing',
        language: 'it',
        triage: null,
        operatorId: null,
        receivedAt: later(-5),
        queuedAt: start,
      },
      [
        { type: 'received', at: later(-5) },
        { type: 'triaged', at: later(-2) },
        { type: 'queued', at: start },
      ],
      { provider: 'generic', eventKey: `browser_${id}`, response: {} },
    );
    if ('answeredAfter' in outcome) {
      const wait = outcome.answeredAfter;
      await contacts.transition(id, ['queued'], 'offered', {}, { operatorId: anna }, later(wait - 1));
      await contacts.transition(
        id,
        ['offered'],
        'connected',
        { operatorId: anna },
        { operatorId: anna },
        later(wait),
      );
      await contacts.transition(id, ['connected'], 'completed', {}, {}, later(wait + outcome.talk));
    } else {
      await contacts.transition(id, ['queued'], 'abandoned', {}, {}, later(outcome.abandonedAfter));
    }
  }

  beforeAll(async () => {
    [service, browser] = await Promise.all([
      startTestService('pglite', { FRONT_OFFICE_CONFIG: CONSOLES_FRONT_OFFICE }),
      startBrowser(),
    ]);
    await contact('09:00:00', { answeredAfter: 10, talk: 120 });
    await contact('09:30:00', { answeredAfter: 40, talk: 60 });
    await contact('10:15:00', { abandonedAfter: 30 });
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await service?.stop();
  });

  async function logIn(page: Page, username: string): Promise<void> {
    await page.goto(`${service.url}/reports`);
    await page.getByLabel('Username').fill(username);
    await page.getByLabel('Password').fill(TEST_PASSWORD);
    await page.getByRole('button', { name: 'Log in' }).click();
  }

  it('shows the figures, charts and table of a chosen range, downloads the CSV and looks up a caller', async () => {
    const page = await browser.context.newPage();
    await logIn(page, 'sara');
    await page.locator('#reports-view').waitFor({ state: 'visible' });
    await page.getByLabel('From', { exact: true }).fill('2026-11-02');
    await page.getByLabel('To (inclusive)').fill('2026-11-02');
    await page.getByLabel('Interval', { exact: true }).selectOption('1h');
    await page.getByLabel('Per', { exact: true }).selectOption('queue');
    await page.getByRole('button', { name: 'Show' }).click();

    await waitForText(page, '#totals [data-field="offered"]', '3');
    expect(await page.locator('#totals [data-field="answered"]').textContent()).toBe('2');
    expect(await page.locator('#totals [data-field="abandoned"]').textContent()).toBe('1 (0 short)');
    // One of two answered within the 20 s target; ASA (10 + 40) / 2 = 25 s; AHT (120 + 60) / 2 = 90 s.
    expect(await page.locator('#totals [data-field="service-level"]').textContent()).toBe('50%');
    expect(await page.locator('#totals [data-field="asa"]').textContent()).toBe('0:25');
    expect(await page.locator('#totals [data-field="aht"]').textContent()).toBe('1:30');

    // Two hours with contacts: 09:00 (2 answered) and 10:00 (1 abandoned), drawn as bars.
    const rows = page.locator('#row-body tr');
    expect(await rows.count()).toBe(2);
    expect(await rows.nth(0).locator('[data-field="group"]').textContent()).toBe('Billing');
    expect(await rows.nth(0).locator('[data-field="answered"]').textContent()).toBe('2');
    expect(await rows.nth(1).locator('[data-field="abandoned"]').textContent()).toBe('1 (0)');
    const bars = page.locator('#chart rect.bar-answered');
    expect(await bars.count()).toBe(2);
    expect(await bars.nth(0).getAttribute('data-answered')).toBe('2');
    expect(await page.locator('#chart rect.bar-abandoned').nth(1).getAttribute('data-abandoned')).toBe('1');
    expect(await page.locator('#sl-chart polyline.line-sl').count()).toBe(1);
    expect(await fitsWidth(page)).toBe(true);

    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'Download CSV' }).click(),
    ]);
    expect(download.suggestedFilename()).toBe('centralino-report-2026-11-02-2026-11-02.csv');
    const csv = readFileSync((await download.path())!, 'utf8').split('\r\n');
    expect(csv[0]).toMatch(/^interval_start,interval_end,group_by,key,label,offered,answered,/);
    expect(csv[1]).toMatch(
      /^2026-11-02T08:00:00.000Z,2026-11-02T09:00:00.000Z,queue,billing,Billing,2,2,1,0,/,
    );

    await page.getByLabel('Caller number').fill('+390655566677');
    await page.getByRole('button', { name: 'Look up' }).click();
    await page.locator('#history li[data-contact-id]').nth(2).waitFor();
    expect(await page.locator('#history li').count()).toBe(3);
    expect(await page.locator('#history li').nth(0).textContent()).toMatch(/Billing · abandoned$/);
    expect(await page.locator('#history li').nth(2).textContent()).toMatch(/Billing · completed with Anna$/);
    await page.close();
  });

  it('tells an operator that reports are for supervisors', async () => {
    const page = await browser.context.newPage();
    await logIn(page, 'anna');
    await waitForText(page, '#login-error', /for supervisors/);
    expect(await page.locator('#reports-view').isHidden()).toBe(true);
    await page.close();
  });
});
