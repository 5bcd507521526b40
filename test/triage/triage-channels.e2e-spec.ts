import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { getContact } from '../support/contacts-api';
import { OperatorClient } from '../support/operator-client';
import { startTestService, TestService } from '../support/test-service';
import { TwilioClient } from '../support/twilio-client';
import { RestStub } from '../providers/rest-stub';

// The sample taxonomy with its it/en/es/ro examples. The chat widget (issue 7) is not built yet: a
// typed message is covered here by Twilio SMS, and by the generic webhook in triage.e2e-spec.ts.
const TRIAGE_FRONT_OFFICE = resolve(__dirname, '../fixtures/front-office.triage.yaml');
const PUBLIC_BASE_URL = 'https://centralino.example.com';
const AUTH_TOKEN = randomBytes(16).toString('hex');
const ACCOUNT_SID = `AC${randomBytes(16).toString('hex')}`;
const VOICE = '/webhooks/twilio/voice';
const SMS = '/webhooks/twilio/messaging';

/** A caller number; its last three digits tell the test's offers apart (`caller` is masked). */
function caller(suffix: string): string {
  return `+39333${randomBytes(2).readUInt16BE() % 1000}0${suffix}`;
}

function newCall(from: string) {
  return {
    CallSid: `CA${randomBytes(16).toString('hex')}`,
    AccountSid: ACCOUNT_SID,
    From: from,
    To: '+390200000000',
    CallStatus: 'in-progress',
  };
}

function newSms(body: string, from = caller(String(100 + (randomBytes(1)[0] % 100)))) {
  return {
    MessageSid: `SM${randomBytes(16).toString('hex')}`,
    AccountSid: ACCOUNT_SID,
    From: from,
    To: '+390200000000',
    Body: body,
    NumMedia: '0',
  };
}

async function metric(service: TestService, series: string): Promise<number> {
  const text = await (await fetch(`${service.url}/metrics`)).text();
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line ? Number(line.split(' ').at(-1)) : 0;
}

function startService(stub: RestStub, env: Record<string, string> = {}): Promise<TestService> {
  return startTestService('pglite', {
    ...env,
    FRONT_OFFICE_CONFIG: TRIAGE_FRONT_OFFICE,
    PUBLIC_BASE_URL,
    TWILIO_AUTH_TOKEN: AUTH_TOKEN,
    TWILIO_ACCOUNT_SID: ACCOUNT_SID,
    TWILIO_API_BASE_URL: stub.url,
  });
}

// The service trains triage at start-up: on a busy shared machine that takes a while.
const START_TIMEOUT_MS = 120_000;

// First in the file: nestjs-pino builds one pino logger per process, for the first service started, so
// this block's LOG_FILE is where the refused requests can be read back.
describe('triage on Twilio SMS: a text conversation in the same queues', () => {
  let service: TestService;
  let stub: RestStub;
  let twilio: TwilioClient;
  let logDir: string;

  beforeAll(async () => {
    stub = await new RestStub().start();
    logDir = mkdtempSync(join(tmpdir(), 'centralino-sms-logs-'));
    service = await startService(stub, { LOG_LEVEL: 'info', LOG_FILE: join(logDir, 'centralino.log') });
    twilio = new TwilioClient(service.url, PUBLIC_BASE_URL, AUTH_TOKEN);
  }, START_TIMEOUT_MS);

  afterAll(async () => {
    await service?.stop();
    await stub?.stop();
    rmSync(logDir, { recursive: true, force: true });
  });

  it('asks a vague sender with numbered options, takes a digit as the answer, and keeps one contact', async () => {
    const received = () => metric(service, 'centralino_contact_transitions_total{state="received"}');
    const before = await received();
    const first = newSms('buongiorno');
    const question = await twilio.post(SMS, first);
    expect(question.status).toBe(200);
    expect(question.contentType).toMatch(/^text\/xml/);
    const [text] = TwilioClient.messages(question);
    expect(text).toMatch(/^Può dirmi qualcosa in più\? Per esempio: /);
    const options = text.split('\n').slice(1);
    expect(options.length).toBeGreaterThan(0);
    expect(options.every((line) => /^[0-9]: .+/.test(line))).toBe(true);

    // A retried delivery (same MessageSid): the same reply, nothing new.
    expect((await twilio.post(SMS, first)).text).toBe(question.text);

    const queued = await twilio.post(SMS, newSms('1', first.From));
    expect(TwilioClient.messages(queued)[0]).toMatch(/^Grazie, attenda in linea\. /);
    // Another message while waiting belongs to the same conversation: where it waits, again.
    const later = await twilio.post(SMS, newSms('quanto devo aspettare?', first.From));
    expect(TwilioClient.messages(later)[0]).toMatch(/^Grazie, attenda in linea\. /);
    expect(await received()).toBe(before + 1);
  });

  it.each([
    ['empty', ''],
    ['emoji only', '🙂🙂🔥'],
    ['HTML', '<script>alert("x")</script><b>ciao</b>'],
    ['SQL', "'; DROP TABLE contacts; --"],
    ['mixed scripts', 'Привет 你好 factura مرحبا'],
    ['100 kB', 'la fattura '.repeat(9_000)],
  ])('answers odd input (%s) with a question or a queue position, never an error', async (_name, body) => {
    const reply = await twilio.post(SMS, newSms(body));
    expect(reply.status).toBe(200);
    expect(TwilioClient.messages(reply)).toHaveLength(1);
  });

  it('refuses a forged or unsigned SMS with 403, stores nothing and counts it', async () => {
    const series = 'centralino_webhook_signature_failures_total{provider="twilio",reason="invalid"}';
    const before = await metric(service, series);
    const sms = newSms('ho un problema con la fattura');
    const forged = await twilio.post(SMS, sms, { token: 'not-the-token' });
    expect(forged.status).toBe(403);
    expect(forged.twiml).toMatchObject({ error: 'signature_invalid' });
    const unsigned = await twilio.post(SMS, sms, { signature: null });
    expect(unsigned.status).toBe(403);
    expect(await metric(service, series)).toBe(before + 2);
    // Nothing was stored: the genuine delivery afterwards opens the conversation.
    const genuine = await twilio.post(SMS, sms);
    expect(TwilioClient.messages(genuine)[0]).toMatch(/^Grazie, attenda in linea\. /);
    const malformed = await twilio.post(SMS, { ...sms, MessageSid: 'nope' });
    expect(malformed.status).toBe(400);
    expect(malformed.twiml.message).toMatch(/MessageSid/);

    // Logged as refused, with the sender's number masked: the full number is nowhere in the log.
    // The log file is written asynchronously: wait for both lines to reach it.
    const read = () => {
      const text = readFileSync(join(logDir, 'centralino.log'), 'utf8');
      const entries = text
        .split('\n')
        .filter((line) => line.startsWith('{') && line.endsWith('}'))
        .map((line) => JSON.parse(line) as Record<string, unknown>);
      return { text, refused: entries.filter((entry) => entry.msg === 'Twilio request refused') };
    };
    const deadline = Date.now() + 10_000;
    let { text: log, refused } = read();
    while (refused.length < 2 && Date.now() < deadline) {
      await new Promise((done) => setTimeout(done, 100));
      ({ text: log, refused } = read());
    }
    expect(refused.length).toBeGreaterThanOrEqual(2);
    expect(refused[0]).toMatchObject({ from: `${sms.From.slice(0, 3)}***${sms.From.slice(-3)}` });
    expect(log).not.toContain(sms.From);
    expect(log).not.toContain(sms.From.slice(1));
  });
});

describe('triage on Twilio voice: speech in the caller’s language, clarifying <Gather>', () => {
  let service: TestService;
  let stub: RestStub;
  let twilio: TwilioClient;
  const clients: OperatorClient[] = [];

  beforeAll(async () => {
    stub = await new RestStub().start();
    service = await startService(stub);
    twilio = new TwilioClient(service.url, PUBLIC_BASE_URL, AUTH_TOKEN);
  }, START_TIMEOUT_MS);

  afterEach(async () => {
    while (clients.length) {
      const client = clients.pop()!;
      await client.send('state.set', { state: 'away', reason: 'test over' }).catch(() => undefined);
      client.close();
    }
  });

  afterAll(async () => {
    await service?.stop();
    await stub?.stop();
  });

  async function operator(username: string): Promise<OperatorClient> {
    const client = await OperatorClient.connect(service.url, username);
    clients.push(client);
    await client.available();
    return client;
  }

  it.each([
    ['Italian', 'Buongiorno, ho un problema con la fattura di marzo', 'billing', 'it', 'anna', '201'],
    ['Romanian', 'Bună ziua, nu mi-a sosit coletul comandat săptămâna trecută', 'orders', 'ro', 'ion', '202'],
  ])(
    'queues a Twilio speech result in %s to its queue and to an operator who speaks it',
    async (_name, speech, queue, language, username, suffix) => {
      const call = newCall(caller(suffix));
      expect((await twilio.post(VOICE, call)).status).toBe(200);
      const reply = await twilio.post(`${VOICE}/gather`, {
        ...call,
        SpeechResult: speech,
        Confidence: '0.9',
      });
      expect(reply.status).toBe(200);
      expect(reply.twiml.Response.Enqueue['#text']).toBe(queue);
      expect(reply.twiml.Response.Say).toMatchObject({
        '@_language': `${language}-${language.toUpperCase()}`,
      });
      const taker = await operator(username);
      const offer = await taker.next('offer', (o) => o.caller.endsWith(suffix));
      expect(offer).toMatchObject({ queue, language });
      await twilio.post(`${VOICE}/status`, { ...call, CallStatus: 'completed' });
      await expect(getContact(service.url, offer.contactId)).resolves.toMatchObject({ state: 'abandoned' });
    },
  );

  it('asks a vague Italian caller a clarifying question as a new <Gather>, then queues the answer', async () => {
    const call = newCall(caller('203'));
    await twilio.post(VOICE, call);
    const vague = await twilio.post(`${VOICE}/gather`, { ...call, SpeechResult: 'salve, buongiorno' });
    expect(vague.status).toBe(200);
    expect(vague.twiml.Response.Enqueue).toBeUndefined();
    const gather = vague.twiml.Response.Gather;
    expect(gather).toMatchObject({
      '@_input': 'dtmf speech',
      '@_action': `${PUBLIC_BASE_URL}${VOICE}/gather?attempt=2`,
      '@_language': 'it-IT',
      '@_actionOnEmptyResult': 'true',
    });
    expect(gather.Say).toMatchObject({ '@_language': 'it-IT' });
    expect(gather.Say['#text']).toMatch(/^Può dirmi qualcosa in più\? Per esempio: .+\.$/);

    // Twilio retries the same request: the same question, nothing queued.
    const retried = await twilio.post(`${VOICE}/gather`, { ...call, SpeechResult: 'salve, buongiorno' });
    expect(retried.text).toBe(vague.text);

    const answered = await twilio.post(`${VOICE}/gather?attempt=2`, {
      ...call,
      SpeechResult: 'è per la bolletta della luce, mi sembra troppo alta',
    });
    expect(answered.twiml.Response.Enqueue['#text']).toBe('billing');

    const anna = await operator('anna');
    const offer = await anna.next('offer', (o) => o.caller.endsWith('203'));
    expect(offer).toMatchObject({ queue: 'billing', language: 'it' });
    const contact = await getContact(service.url, offer.contactId);
    expect(contact.events.map((event) => event.type)).toEqual([
      'received',
      'clarifying',
      'triaged',
      'queued',
      'offered',
    ]);
    expect(contact.events[1].data).toMatchObject({ utterance: 'salve, buongiorno' });
    await twilio.post(`${VOICE}/status`, { ...call, CallStatus: 'completed' });
  });

  it('asks a vague Romanian caller in Romanian, with speech recognised in ro-RO', async () => {
    const call = newCall(caller('204'));
    await twilio.post(VOICE, call);
    const vague = await twilio.post(`${VOICE}/gather`, {
      ...call,
      SpeechResult: 'Salut, bună ziua',
    });
    const gather = vague.twiml.Response.Gather;
    expect(gather).toMatchObject({
      '@_language': 'ro-RO',
      '@_action': `${PUBLIC_BASE_URL}${VOICE}/gather?attempt=2`,
    });
    expect(gather.Say).toMatchObject({ '@_language': 'ro-RO' });
    expect(gather.Say['#text']).toMatch(/^Îmi puteți spune mai multe\? De exemplu: /);
    const answered = await twilio.post(`${VOICE}/gather?attempt=2`, {
      ...call,
      SpeechResult: 'coletul meu nu a ajuns',
    });
    expect(answered.twiml.Response.Enqueue['#text']).toBe('orders');
    expect(answered.twiml.Response.Say).toMatchObject({
      '#text': 'Vă mulțumim, rămâneți la telefon.',
      '@_language': 'ro-RO',
    });
    await twilio.post(`${VOICE}/status`, { ...call, CallStatus: 'completed' });
  });

  it('refuses an out-of-range attempt with a 400 naming it', async () => {
    const call = newCall(caller('205'));
    const reply = await twilio.post(`${VOICE}/gather?attempt=zero`, { ...call, SpeechResult: 'fattura' });
    expect(reply.status).toBe(400);
    expect(reply.twiml.message).toMatch(/attempt/);
  });
});

describe('triage on Twilio SMS: to an operator who speaks the language', () => {
  let service: TestService;
  let stub: RestStub;
  let twilio: TwilioClient;
  const clients: OperatorClient[] = [];

  beforeAll(async () => {
    stub = await new RestStub().start();
    service = await startService(stub);
    twilio = new TwilioClient(service.url, PUBLIC_BASE_URL, AUTH_TOKEN);
  }, START_TIMEOUT_MS);

  afterAll(async () => {
    for (const client of clients) client.close();
    await service?.stop();
    await stub?.stop();
  });

  it('queues SMS in Italian and in Romanian to their queues and operators; accepting moves no call', async () => {
    const anna = await OperatorClient.connect(service.url, 'anna');
    const ion = await OperatorClient.connect(service.url, 'ion');
    clients.push(anna, ion);
    await anna.available();
    await ion.available();
    const cases = [
      {
        body: 'Salve, la fattura di questo mese è sbagliata, mi avete addebitato due volte',
        queue: 'billing',
        language: 'it',
        thanks: 'Grazie, attenda in linea.',
        taker: anna,
      },
      {
        body: 'Bună ziua, nu mi-a sosit coletul comandat săptămâna trecută',
        queue: 'orders',
        language: 'ro',
        thanks: 'Vă mulțumim, rămâneți la telefon.',
        taker: ion,
      },
    ];
    for (const { body, queue, language, thanks, taker } of cases) {
      const reply = await twilio.post(SMS, newSms(body));
      expect(reply.status).toBe(200);
      expect(TwilioClient.messages(reply)[0].startsWith(thanks)).toBe(true);
      const offer = await taker.next('offer', (o) => o.queue === queue);
      expect(offer).toMatchObject({ queue, language });
      const contact = await getContact(service.url, offer.contactId);
      expect(contact).toMatchObject({ state: 'offered', problemType: queue });
      expect((contact as unknown as { channel: string }).channel).toBe('sms');
      await expect(taker.send('offer.accept', { offerId: offer.offerId })).resolves.toMatchObject({
        ok: true,
      });
    }
    // A text conversation has no call at Twilio to redirect: nothing was sent to its REST API.
    await new Promise((done) => setTimeout(done, 300));
    expect(stub.requests).toHaveLength(0);
  });
});
