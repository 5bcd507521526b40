import { fitsWidth, startBrowser, TestBrowser, waitForText } from '../support/browser';
import { getContact } from '../support/contacts-api';
import { writeFixtureConfig } from '../support/fixture-config';
import { OperatorClient } from '../support/operator-client';
import { startTestService, TestService } from '../support/test-service';

/**
 * The triage taxonomy, with billing closed for good (a calendar with no opening hours at all, so the test
 * does not depend on the hour it runs) and its out-of-hours rule: a message for accounting, whose inbox
 * anna works.
 */
const FIXTURE = writeFixtureConfig((config) => {
  const billing = (config.problemTypes as Record<string, unknown>[]).find((type) => type.id === 'billing')!;
  billing.businessHours = { timezone: 'Europe/Rome', weekly: {} };
  billing.outOfHours = { action: 'message', department: 'accounting' };
  config.backOffice = { departments: { accounting: { members: ['anna'] } } };
}, 'front-office.triage.yaml');

interface InboxMessage {
  contactId: string;
  source: string;
  department: string;
  caller: { name: string | null; address: string; callbackAddress: string | null };
  text: string;
}

describe('web chat in Chromium, out of hours: the widget offers the leave-a-message form, the message reaches the department', () => {
  let service: TestService;
  let browser: TestBrowser;

  beforeAll(async () => {
    [service, browser] = await Promise.all([
      startTestService('pglite', { FRONT_OFFICE_CONFIG: FIXTURE }),
      startBrowser(),
    ]);
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await service?.stop();
  });

  const lastLine = (author: string) => `.cw-transcript .cw-${author}:last-child .cw-text`;

  async function accountingInbox(): Promise<InboxMessage[]> {
    const { token } = await OperatorClient.login(service.url, 'anna');
    const response = await fetch(`${service.url}/messages?department=accounting`, {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(response.status).toBe(200);
    return ((await response.json()) as { messages: InboxMessage[] }).messages;
  }

  it('an Italian customer asks about an invoice while billing is closed, leaves name, e-mail and message', async () => {
    const customer = await browser.context.newPage();
    await customer.goto(`${service.url}/chat-demo`);
    await customer.getByRole('button', { name: 'Scrivici' }).click();
    await waitForText(customer, lastLine('bot'), /Test S\.r\.l\.|ACME S\.r\.l\./);

    await customer.getByLabel('Il tuo messaggio').fill('buongiorno, ho un problema con la fattura di marzo');
    await customer.getByLabel('Il tuo messaggio').press('Enter');
    await waitForText(
      customer,
      lastLine('bot'),
      'I nostri uffici sono chiusi in questo momento. Lasciaci un messaggio con un recapito e ti ricontatteremo.',
    );
    await waitForText(
      customer,
      '.cw-leave-intro',
      'Siamo chiusi: lasciaci un messaggio e ti ricontatteremo.',
    );
    expect(await customer.getByLabel('Il tuo messaggio').isVisible()).toBe(false);
    expect(await fitsWidth(customer)).toBe(true);

    // A contact detail that is neither a phone number nor an e-mail is refused with the reason.
    await customer.getByLabel('Nome').fill('Giulia Neri');
    await customer.getByLabel('Telefono o e-mail').fill('domani');
    await customer
      .getByLabel('Il messaggio da lasciare')
      .fill('La fattura 118 di marzo ha un importo sbagliato.');
    await customer.getByRole('button', { name: 'Invia il messaggio' }).click();
    await waitForText(customer, '.cw-notice', /a phone number or an e-mail address/);
    expect(await accountingInbox()).toEqual([]);

    await customer.getByLabel('Telefono o e-mail').fill('giulia.neri@example.com');
    await customer.getByRole('button', { name: 'Invia il messaggio' }).click();
    await waitForText(
      customer,
      lastLine('bot'),
      'Grazie Giulia Neri, il tuo messaggio è stato registrato: ti ricontatteremo a giulia.neri@example.com.',
    );
    await waitForText(customer, '.cw-status', 'Conversazione terminata');
    await customer.getByRole('button', { name: 'Nuova conversazione' }).waitFor();
    expect(await customer.locator('.cw-leave').isVisible()).toBe(false);

    const inbox = await accountingInbox();
    expect(inbox).toHaveLength(1);
    expect(inbox[0]).toMatchObject({
      source: 'out_of_hours',
      department: 'accounting',
      caller: { name: 'Giulia Neri', address: 'giulia.neri@example.com', callbackAddress: null },
      text: 'La fattura 118 di marzo ha un importo sbagliato.',
    });
    const contact = await getContact(service.url, inbox[0]!.contactId);
    expect(contact.state).toBe('message_taken');
    expect(contact.problemType).toBe('billing');
    expect(contact.events.map((event) => event.type)).toEqual([
      'received',
      'triaged',
      'queued',
      'messaging',
      'message_taken',
    ]);

    // A reload shows the ended conversation with the message in its transcript.
    await customer.reload();
    await waitForText(customer, '.cw-status', 'Conversazione terminata');
    await waitForText(
      customer,
      '.cw-transcript .cw-customer:nth-last-child(2) .cw-text',
      /^Giulia Neri · giulia\.neri@example\.com\s+La fattura 118/,
    );
    await customer.close();
  });
});
