import type { Page } from 'playwright-core';
import { DepartmentMessageSink } from '@centralino/contacts';
import { backOfficeFixture } from '../support/back-office';
import { fitsWidth, startBrowser, TestBrowser, waitForText } from '../support/browser';
import { callStarted } from '../support/calls';
import { OperatorClient } from '../support/operator-client';
import { startTestService, TEST_PASSWORD, TestService } from '../support/test-service';
import { postGenericWebhook } from '../support/webhook-client';

describe('the departments inbox in Chromium', () => {
  let service: TestService;
  let browser: TestBrowser;

  beforeAll(async () => {
    [service, browser] = await Promise.all([
      startTestService('pglite', { FRONT_OFFICE_CONFIG: backOfficeFixture() }),
      startBrowser(),
    ]);
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await service?.stop();
  });

  /** A message handed over by the voice flow, the way the out-of-hours path does. */
  async function leaveMessage(recipientId: string, text: string, urgency: 'normal' | 'urgent', from: string) {
    const started = await postGenericWebhook(service.url, callStarted({ from, digits: '1' }));
    const contactId = started.body.contactId as string;
    await service.running.app.get(DepartmentMessageSink).accept({
      contactId,
      source: 'voice',
      recipientId,
      callerAddress: from,
      callerName: 'Paolo Verdi',
      problemType: 'billing',
      language: 'it',
      text,
      urgency,
      takenAt: new Date(),
    });
    return contactId;
  }

  async function logIn(page: Page, username: string): Promise<void> {
    await page.goto(`${service.url}/inbox`);
    await page.getByLabel('Username').fill(username);
    await page.getByLabel('Password').fill(TEST_PASSWORD);
    await page.getByRole('button', { name: 'Log in' }).click();
  }

  const rows = '#message-rows tr';

  it('lists, filters, assigns, replies and marks done', async () => {
    await leaveMessage('maria-rossi', 'Invoice 118 is wrong, please call.', 'urgent', '+393331110001');
    await leaveMessage('accounting', 'Asks for a copy of the contract.', 'normal', '+393331110002');
    await leaveMessage('warehouse', 'Parcel damaged.', 'normal', '+393331110003');

    const page = await browser.context.newPage();
    await logIn(page, 'anna');
    await waitForText(page, '#who', 'Anna');
    // anna works accounting (and sees reception): the warehouse message is not hers.
    await page.locator(rows).nth(1).waitFor();
    expect(await page.locator(rows).count()).toBe(2);
    expect(await page.locator('#filter-department option').allTextContents()).toEqual([
      'All my inboxes',
      'Reception',
      'Accounting',
    ]);
    expect(await fitsWidth(page)).toBe(true);

    await page.getByLabel('Urgency').selectOption('urgent');
    await page.locator(rows).nth(1).waitFor({ state: 'detached' });
    expect(await page.locator(rows).count()).toBe(1);
    await waitForText(page, `${rows} [data-field="recipient"]`, 'Maria Rossi');
    await waitForText(page, `${rows} [data-field="status"]`, 'New');

    await page.getByRole('button', { name: /Open the message from Paolo Verdi/ }).click();
    await page.locator('#detail').waitFor({ state: 'visible' });
    await waitForText(page, '#detail-text', 'Invoice 118 is wrong, please call.');
    await waitForText(page, '#detail-status', 'New');
    await waitForText(page, '#detail-caller', 'Paolo Verdi, +393331110001');

    await page.getByLabel('Assign to').selectOption({ label: 'Maria Rossi' });
    await page.getByRole('button', { name: 'Assign', exact: true }).click();
    await waitForText(page, '#detail-status', 'Assigned');
    await waitForText(page, '#detail-assignee', 'Maria Rossi');
    await waitForText(page, `${rows} [data-field="assignee"]`, 'Maria Rossi');

    await page.getByLabel('Reply note').fill('Called back: a corrected invoice follows.');
    await page.getByRole('button', { name: 'Add reply' }).click();
    await waitForText(page, '#detail-status', 'Answered');
    await waitForText(page, '#detail-notes li', /Anna: Called back: a corrected invoice follows\.$/);

    await page.getByRole('button', { name: 'Mark done' }).click();
    await waitForText(page, '#detail-status', 'Done');
    expect(await page.getByRole('button', { name: 'Mark done' }).isDisabled()).toBe(true);
    // The default filter shows open messages: the done one leaves the list.
    await page.locator(rows).first().waitFor({ state: 'detached' });
    await page.getByLabel('Status').selectOption('done');
    await waitForText(page, `${rows} [data-field="status"]`, 'Done');

    // The server agrees.
    const { token } = await OperatorClient.login(service.url, 'anna');
    const response = await fetch(`${service.url}/messages?department=accounting&status=done`, {
      headers: { authorization: `Bearer ${token}` },
    });
    const { messages } = (await response.json()) as {
      messages: { text: string; assignee: { id: string } }[];
    };
    expect(messages).toEqual([
      expect.objectContaining({
        text: 'Invoice 118 is wrong, please call.',
        assignee: { id: 'maria-rossi', name: 'Maria Rossi' },
      }),
    ]);
    await page.close();
  }, 60_000);

  it('opens the message a webhook or e-mail links to, for a supervisor', async () => {
    const contactId = await leaveMessage(
      'warehouse',
      'Wrong address on the delivery note.',
      'normal',
      '+393331110004',
    );
    const { token } = await OperatorClient.login(service.url, 'sara');
    const list = await fetch(`${service.url}/messages?department=warehouse`, {
      headers: { authorization: `Bearer ${token}` },
    });
    const { messages } = (await list.json()) as { messages: { id: string; contactId: string }[] };
    const id = messages.find((message) => message.contactId === contactId)!.id;

    const page = await browser.context.newPage();
    await page.goto(`${service.url}/inbox#${id}`);
    await page.getByLabel('Username').fill('sara');
    await page.getByLabel('Password').fill(TEST_PASSWORD);
    await page.getByRole('button', { name: 'Log in' }).click();
    await waitForText(page, '#detail-text', 'Wrong address on the delivery note.');
    expect(await page.locator('#filter-department option').count()).toBe(4);
    await page.close();
  });
});
