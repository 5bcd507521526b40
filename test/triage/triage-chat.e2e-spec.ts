import { resolve } from 'node:path';
import { ChatCustomer } from '../support/chat-customer';
import { getContact, waitForState } from '../support/contacts-api';
import { OperatorClient } from '../support/operator-client';
import { startTestService, TestService } from '../support/test-service';

// The sample taxonomy with its it/en/es/ro examples, trained when the service starts.
const TRIAGE_FRONT_OFFICE = resolve(__dirname, '../fixtures/front-office.triage.yaml');

interface TriageView {
  source: string;
  reasons: string[];
}

/**
 * Typed chat messages go through the same triage as speech: the language is detected from the text
 * (the widget does not say it), the problem type picks the queue, and a vague line gets a question.
 * The operator is connected before the customer writes, so the offer itself shows where the contact
 * went, whatever the machine's load.
 */
describe('triage on web chat: typed messages in Italian and Romanian', () => {
  let service: TestService;
  const customers: ChatCustomer[] = [];
  const operators: OperatorClient[] = [];

  beforeAll(async () => {
    service = await startTestService('pglite', { FRONT_OFFICE_CONFIG: TRIAGE_FRONT_OFFICE });
  }, 60_000);

  afterEach(async () => {
    for (const operator of operators.splice(0)) {
      await operator.send('state.set', { state: 'away', reason: 'test over' }).catch(() => undefined);
      operator.close();
    }
    for (const customer of customers.splice(0)) customer.close();
  });

  afterAll(async () => {
    await service?.stop();
  });

  async function customer(): Promise<ChatCustomer> {
    const client = await ChatCustomer.connect(service.url);
    customers.push(client);
    await client.start();
    return client;
  }

  async function operator(username: string): Promise<OperatorClient> {
    const client = await OperatorClient.connect(service.url, username);
    operators.push(client);
    await client.available();
    return client;
  }

  /** Accepts the offer and closes the chat, so the contact ends in a recorded final state. */
  async function finish(taker: OperatorClient, offer: { offerId: string; contactId: string }) {
    expect((await taker.send('offer.accept', { offerId: offer.offerId })).ok).toBe(true);
    await expect(taker.send('chat.close', { contactId: offer.contactId })).resolves.toMatchObject({
      ok: true,
      data: { state: 'completed' },
    });
    await waitForState(service.url, offer.contactId, 'completed');
  }

  it.each([
    [
      'Italian',
      'Buongiorno, il pacco che ho ordinato la settimana scorsa non è ancora arrivato',
      /in coda/,
      'Ordini e consegne',
      'it',
      'anna',
    ],
    [
      'Romanian',
      'Bună ziua, coletul comandat săptămâna trecută nu a ajuns nici azi',
      /coadă/,
      'Comenzi și livrări',
      'ro',
      'ion',
    ],
  ])(
    'queues a clear %s message to its queue, detecting the language, and offers it to who speaks it',
    async (_name, text, queuedLine, queueName, language, username) => {
      const taker = await operator(username);
      const writer = await customer();
      expect(await writer.say(text)).toMatchObject({ ok: true });
      const queued = await writer.line((line) => queuedLine.test(line.text));
      expect(queued.text).toContain(queueName);
      expect(queued.options).toBeUndefined();

      const offer = await taker.next('offer', (o) => o.channel === 'chat');
      expect(offer).toMatchObject({ channel: 'chat', queue: 'orders', language });
      const contact = await getContact(service.url, offer.contactId);
      expect(contact.problemType).toBe('orders');
      expect(contact.events.map((event) => event.type)).not.toContain('clarifying');
      const triage = (contact as unknown as { triage: TriageView }).triage;
      expect(triage.source).toBe('text');
      expect(triage.reasons.length).toBeGreaterThan(0);
      await finish(taker, offer);
    },
  );

  it('asks a vague Romanian customer in Romanian, then queues the typed answer', async () => {
    const ion = await operator('ion');
    const writer = await customer();
    await writer.say('Bună ziua');
    const question = await writer.line((line) => !!line.options);
    expect(question.text).toMatch(/^Îmi puteți spune mai multe\? De exemplu: /);
    expect(question.options!.length).toBeGreaterThan(1);
    // Nothing is offered while the bot is still asking.
    await expect(ion.next('offer', () => true, 300)).rejects.toThrow();

    // A typed answer, not a quick reply: triaged like the first line.
    await writer.say('coletul meu nu a ajuns');
    const queued = await writer.line((line) => /coadă/.test(line.text));
    expect(queued.text).toContain('Comenzi și livrări');
    const offer = await ion.next('offer', (o) => o.channel === 'chat');
    expect(offer).toMatchObject({ queue: 'orders', language: 'ro' });
    const contact = await getContact(service.url, offer.contactId);
    expect(contact.events.map((event) => event.type).slice(0, 4)).toEqual([
      'received',
      'clarifying',
      'triaged',
      'queued',
    ]);
    expect(contact.events[1].data).toMatchObject({ utterance: 'Bună ziua' });
    await finish(ion, offer);
  });

  it('asks a vague Italian customer in Italian, then queues the typed answer', async () => {
    const anna = await operator('anna');
    const writer = await customer();
    await writer.say('salve, buongiorno');
    const question = await writer.line((line) => !!line.options);
    expect(question.text).toMatch(/^Può dirmi qualcosa in più\? Per esempio: /);
    await writer.say('è per la bolletta, mi avete addebitato due volte lo stesso importo');
    const queued = await writer.line((line) => /in coda/.test(line.text));
    expect(queued.text).toContain('Amministrazione e pagamenti');
    const offer = await anna.next('offer', (o) => o.channel === 'chat');
    expect(offer).toMatchObject({ queue: 'billing', language: 'it' });
    await finish(anna, offer);
  });

  it.each([
    ['emoji only', '🙂🙂🙂'],
    ['HTML', '<script>alert("x")</script><b>ciao</b>'],
    ['SQL', "'; DROP TABLE contacts; --"],
    ['mixed scripts', 'Привет 你好 مرحبا'],
  ])('answers %s with a question or a queue, never an error', async (_name, text) => {
    const writer = await customer();
    expect(await writer.say(text)).toMatchObject({ ok: true, data: { author: 'customer', text } });
    // The bot's next line is a clarifying question (with options) or the queue position.
    const answer = await writer.line((line) => !!line.options || /coda|coadă|queue|cola/.test(line.text));
    if (answer.options) expect(answer.options.length).toBeGreaterThan(1);
    else expect(answer.text).toMatch(/operat(ore|or|ador)/);
    await writer.send('chat.end', {});
  });
});
