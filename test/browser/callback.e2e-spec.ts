import { randomBytes } from 'node:crypto';
import { startBrowser, TestBrowser, waitForText } from '../support/browser';
import { writeFixtureConfig } from '../support/fixture-config';
import { startTestService, TEST_PASSWORD, TestService } from '../support/test-service';
import { TwilioClient } from '../support/twilio-client';
import { RestStub } from '../providers/rest-stub';

const PUBLIC_BASE_URL = 'https://centralino.example.com';
const TWILIO_TOKEN = randomBytes(16).toString('hex');
const ACCOUNT_SID = `AC${randomBytes(16).toString('hex')}`;
const CALLS_PATH = `/2010-04-01/Accounts/${ACCOUNT_SID}/Calls.json`;

// The sample taxonomy (anna takes billing) with chat callbacks placed through Twilio.
const FIXTURE = writeFixtureConfig((config) => {
  config.callbacks = {
    provider: 'twilio',
    fromNumber: '+390200000099',
    maxAttempts: 2,
    retryDelaySeconds: 5,
  };
}, 'front-office.triage.yaml');

describe('"call me back" in Chromium: the widget asks for a number, the console shows the callback', () => {
  let service: TestService;
  let browser: TestBrowser;
  let stub: RestStub;

  beforeAll(async () => {
    stub = await new RestStub((request) =>
      request.path === CALLS_PATH
        ? { status: 201, body: { sid: `CA${randomBytes(16).toString('hex')}`, status: 'queued' } }
        : { status: 200, body: {} },
    ).start();
    [service, browser] = await Promise.all([
      startTestService('pglite', {
        FRONT_OFFICE_CONFIG: FIXTURE,
        PUBLIC_BASE_URL,
        TWILIO_AUTH_TOKEN: TWILIO_TOKEN,
        TWILIO_ACCOUNT_SID: ACCOUNT_SID,
        TWILIO_API_BASE_URL: stub.url,
      }),
      startBrowser(),
    ]);
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await service?.stop();
    await stub?.stop();
  });

  it('a waiting chat customer leaves a number, is offered as a callback, called and connected', async () => {
    const customer = await browser.context.newPage();
    await customer.goto(`${service.url}/chat-demo`);
    await customer.getByRole('button', { name: 'Scrivici' }).click();
    await customer.getByLabel('Il tuo messaggio').fill('salve, buongiorno');
    await customer.getByLabel('Il tuo messaggio').press('Enter');
    await customer.getByRole('button', { name: 'Amministrazione e pagamenti' }).click();
    await waitForText(customer, '.cw-status', /^Sei 1° in coda/);

    // Waiting: the widget offers a callback; a number that cannot be called is refused with the reason.
    await customer.getByRole('button', { name: 'Richiamami' }).click();
    await customer.getByLabel('Il tuo numero di telefono').fill('12345');
    await customer.getByRole('button', { name: 'Chiamatemi' }).click();
    await waitForText(customer, '.cw-notice', /E\.164/);
    await customer.getByLabel('Il tuo numero di telefono').fill('+39 347 111 2233');
    await customer.getByRole('button', { name: 'Chiamatemi' }).click();
    await waitForText(customer, '.cw-status', /Ti richiameremo al \+39\*\*\*233/);
    await waitForText(
      customer,
      '.cw-transcript .cw-bot:last-child .cw-text',
      /ti chiameremo al \+39\*\*\*233/,
    );
    expect(await customer.getByRole('button', { name: 'Richiamami' }).isHidden()).toBe(true);

    // The console: the offer says it is a callback, and whom; after the accept it is being called.
    const console = await browser.context.newPage();
    await console.goto(`${service.url}/console`);
    await console.getByLabel('Username').fill('anna');
    await console.getByLabel('Password').fill(TEST_PASSWORD);
    await console.getByRole('button', { name: 'Log in' }).click();
    await waitForText(console, '#who', 'Anna');
    await console.getByRole('button', { name: 'Available', exact: true }).click();
    await waitForText(console, '#offer-title', 'Callback to +39***233');
    await console.getByRole('button', { name: /^Accept/ }).click();
    await waitForText(console, '#contact-status', 'Calling back…');
    const placed = await stub.next((request) => request.path === CALLS_PATH);
    const form = new URLSearchParams(placed.body);
    expect(form.get('To')).toBe('+393471112233');
    expect(form.get('From')).toBe('+390200000099');

    // The customer answers the phone: the console shows them connected.
    const statusUrl = form.get('StatusCallback')!;
    const twilio = new TwilioClient(service.url, PUBLIC_BASE_URL, TWILIO_TOKEN);
    const reply = await twilio.post(statusUrl.slice(PUBLIC_BASE_URL.length), {
      CallSid: `CA${randomBytes(16).toString('hex')}`,
      CallStatus: 'in-progress',
      From: '+390200000099',
      To: '+393471112233',
    });
    expect(reply.status).toBe(200);
    await waitForText(console, '#contact-status', 'Connected');
    await console.close();
    await customer.close();
  }, 90_000);
});
