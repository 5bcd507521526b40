import { resolve } from 'node:path';
import type { Page } from 'playwright-core';
import { fitsWidth, startBrowser, TestBrowser, waitForText } from '../support/browser';
import { ChatCustomer } from '../support/chat-customer';
import { startTestService, TEST_PASSWORD, TestService } from '../support/test-service';

// The sample taxonomy with it/en/es/ro examples; anna takes billing.
const TRIAGE_FRONT_OFFICE = resolve(__dirname, '../fixtures/front-office.triage.yaml');

// Functions given to page.evaluate run in the page; this Node-only project has no DOM types.
declare const window: { pwned?: number };
type OfferElement = { hidden: boolean; dataset: { offerId?: string } };
declare const document: { querySelectorAll(selector: string): { length: number } };

describe('web chat in Chromium: a customer on the website and an operator in the console', () => {
  let service: TestService;
  let browser: TestBrowser;

  beforeAll(async () => {
    [service, browser] = await Promise.all([
      startTestService('pglite', { FRONT_OFFICE_CONFIG: TRIAGE_FRONT_OFFICE }),
      startBrowser(),
    ]);
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await service?.stop();
  });

  const lastLine = (author: string) => `.cw-transcript .cw-${author}:last-child .cw-text`;

  async function operatorConsole(username: string): Promise<Page> {
    const page = await browser.context.newPage();
    await page.goto(`${service.url}/console`);
    await page.getByLabel('Username').fill(username);
    await page.getByLabel('Password').fill(TEST_PASSWORD);
    await page.getByRole('button', { name: 'Log in' }).click();
    await waitForText(page, '#who', 'Anna');
    return page;
  }

  it('a vague Italian customer is asked, queued, answered and the chat closed; markup stays text', async () => {
    const customer = await browser.context.newPage();
    await customer.goto(`${service.url}/chat-demo`);
    await customer.getByRole('button', { name: 'Scrivici' }).click();
    await waitForText(customer, lastLine('bot'), /ACME S\.r\.l\.|Test S\.r\.l\./);
    expect(await fitsWidth(customer)).toBe(true);

    // Vague: a clarifying question with quick replies, always including "talk to a person".
    await customer.getByLabel('Il tuo messaggio').fill('salve, buongiorno');
    await customer.getByLabel('Il tuo messaggio').press('Enter');
    await waitForText(customer, lastLine('bot'), /^Può dirmi qualcosa in più\?/);
    await customer.getByRole('button', { name: 'Parla con una persona' }).waitFor();
    await customer.getByRole('button', { name: 'Amministrazione e pagamenti' }).click();
    await waitForText(customer, lastLine('bot'), /Sei 1° in coda/);
    await waitForText(customer, '.cw-status', /^Sei 1° in coda/);

    // The operator becomes available, the console rings, the operator accepts.
    const console = await operatorConsole('anna');
    await console.getByRole('button', { name: 'Available', exact: true }).click();
    await console.locator('#offer').waitFor({ state: 'visible' });
    await console.getByRole('button', { name: /^Accept/ }).click();
    await waitForText(customer, lastLine('bot'), 'Anna si è unito alla conversazione.');
    await waitForText(customer, '.cw-status', 'Stai parlando con Anna');

    // The console shows the transcript from the first line, the bot's question included.
    const desk = console.locator('.chat');
    await desk.waitFor();
    await waitForText(console, '.chat .chat-transcript .chat-bot:nth-child(3) .chat-text', /^Può dirmi/);

    // Both ways.
    await console.getByLabel('Message to the customer').fill('Buongiorno, come posso aiutarla?');
    await console.getByLabel('Message to the customer').press('Enter');
    await waitForText(customer, lastLine('operator'), 'Buongiorno, come posso aiutarla?');
    const html = '<img src=x onerror="window.pwned=1"><b>grassetto</b>';
    await customer.getByLabel('Il tuo messaggio').fill(html);
    await customer.getByLabel('Il tuo messaggio').press('Enter');
    await waitForText(console, '.chat .chat-transcript .chat-customer:last-child .chat-text', html);
    await waitForText(customer, lastLine('customer'), html);
    for (const page of [customer, console]) {
      expect(await page.evaluate(() => window.pwned)).toBeUndefined();
      expect(
        await page.evaluate(
          () => document.querySelectorAll('.chat-text img, .cw-text img, .cw-text b').length,
        ),
      ).toBe(0);
    }

    // A reload resumes the same conversation.
    await customer.reload();
    await waitForText(customer, lastLine('customer'), html);
    await waitForText(customer, '.cw-status', 'Stai parlando con Anna');

    // The operator closes: the customer is told, the widget offers a new conversation.
    await console.getByRole('button', { name: 'Close chat' }).click();
    await waitForText(customer, '.cw-status', 'Conversazione terminata');
    await customer.getByRole('button', { name: 'Nuova conversazione' }).waitFor();
    await console.close();
    await customer.close();
  });
  it('holds two chats at once: both offers are answerable, each chat has its panel, through a reload', async () => {
    const customers = await Promise.all([
      ChatCustomer.connect(service.url),
      ChatCustomer.connect(service.url),
    ]);
    try {
      const [giulia, marco] = customers;
      await giulia!.start({ language: 'it', name: 'Giulia' });
      await marco!.start({ language: 'it', name: 'Marco' });
      await giulia!.say('Buongiorno, la fattura di marzo ha un importo sbagliato');
      await marco!.say('Salve, il pagamento della bolletta non è andato a buon fine');
      await giulia!.line((line) => /in coda/.test(line.text));
      await marco!.line((line) => /in coda/.test(line.text));

      // Both chats wait before Anna is available (chat capacity 3): both are offered at once, one shown.
      const console = await operatorConsole('anna');
      await console.getByRole('button', { name: 'Available', exact: true }).click();
      await waitForText(console, '#offer-title', 'Incoming chat');
      await waitForText(console, '#offer-more', '1 more offer waiting');
      const first = await console.locator('#offer').getAttribute('data-offer-id');
      await console.locator('body').press('a');
      // The second offer is shown next, still in time, and accepted too.
      await console.waitForFunction((id) => {
        const page = globalThis as unknown as { document: { getElementById(id: string): OfferElement } };
        const offer = page.document.getElementById('offer');
        return !offer.hidden && !!offer.dataset.offerId && offer.dataset.offerId !== id;
      }, first);
      expect(await console.locator('#offer-more').isHidden()).toBe(true);
      await console.locator('body').press('a');
      await console.locator('#offer').waitFor({ state: 'hidden' });
      await expect(console.locator('.chat').count()).resolves.toBe(2);
      for (const customer of customers) {
        await customer.next('chat.status', (status) => status.state === 'talking');
      }

      // Each panel talks to its own customer.
      // A panel is known by what its customer wrote (its transcript starts from the first line).
      const said = { Giulia: 'la fattura di marzo', Marco: 'il pagamento della bolletta' };
      const panelOf = (name: keyof typeof said) => console.locator('.chat', { hasText: said[name] });
      await panelOf('Giulia').getByLabel('Message to the customer').fill('Per Giulia');
      await panelOf('Giulia').getByLabel('Message to the customer').press('Enter');
      await panelOf('Marco').getByLabel('Message to the customer').fill('Per Marco');
      await panelOf('Marco').getByLabel('Message to the customer').press('Enter');
      await expect(giulia!.line((line) => line.author === 'operator')).resolves.toMatchObject({
        text: 'Per Giulia',
      });
      await expect(marco!.line((line) => line.author === 'operator')).resolves.toMatchObject({
        text: 'Per Marco',
      });

      // A reload gives both panels back; closing one leaves the other open.
      await console.reload();
      await panelOf('Giulia').waitFor();
      await panelOf('Marco').waitFor();
      await panelOf('Giulia').getByRole('button', { name: 'Close chat' }).click();
      await giulia!.next('chat.status', (status) => status.state === 'ended');
      await panelOf('Marco').getByLabel('Message to the customer').fill('Ancora qui');
      await panelOf('Marco').getByLabel('Message to the customer').press('Enter');
      await expect(marco!.line((line) => line.author === 'operator')).resolves.toMatchObject({
        text: 'Ancora qui',
      });
      await panelOf('Marco').getByRole('button', { name: 'Close chat' }).click();
      await marco!.next('chat.status', (status) => status.state === 'ended');
      await console.close();
    } finally {
      for (const customer of customers) customer.close();
    }
  });
});
