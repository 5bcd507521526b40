import { Client } from 'pg';
import { ChatCustomer } from '../support/chat-customer';
import { getContact, waitForState } from '../support/contacts-api';
import { writeFixtureConfig } from '../support/fixture-config';
import { OperatorClient } from '../support/operator-client';
import { startTestService, TestService } from '../support/test-service';
import type { ChatLine } from '@centralino/realtime/chat-events.contract';

/** The sample taxonomy (it/en/es/ro examples) with short chat timers for the tests. */
function chatFrontOffice(chat: Record<string, number>): string {
  return writeFixtureConfig((config) => {
    config.chat = chat;
  }, 'front-office.triage.yaml');
}

describe('web chat: a customer and an operator over socket.io', () => {
  let service: TestService;
  const customers: ChatCustomer[] = [];
  const operators: OperatorClient[] = [];

  beforeAll(async () => {
    service = await startTestService('postgres', {
      FRONT_OFFICE_CONFIG: chatFrontOffice({ resumeGraceSeconds: 3, maxMessageLength: 300 }),
    });
  }, 60_000);

  afterEach(async () => {
    for (const operator of operators.splice(0)) {
      await operator.send('state.set', { state: 'away' }).catch(() => undefined);
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
    return client;
  }

  async function operator(username: string): Promise<OperatorClient> {
    const client = await OperatorClient.connect(service.url, username);
    operators.push(client);
    await client.available();
    return client;
  }

  it('greets, asks a vague customer to clarify with quick replies, queues, then connects an operator', async () => {
    const maria = await customer();
    const snapshot = await maria.start({ language: 'it', name: 'Maria' });
    expect(snapshot.status).toEqual({ state: 'triage', position: null, estimatedWait: null });
    expect(snapshot.transcript).toHaveLength(1);
    expect(snapshot.transcript[0]).toMatchObject({
      author: 'bot',
      text: expect.stringContaining('Test S.r.l.'),
    });

    // Vague: the bot asks, in Italian, with the closest options and "talk to a person".
    const vague = await maria.say('salve, buongiorno');
    expect(vague).toMatchObject({ ok: true, data: { author: 'customer', text: 'salve, buongiorno' } });
    const question = await maria.line((line) => !!line.options);
    expect(question.text).toMatch(/^Può dirmi qualcosa in più\?/);
    expect(question.options!.at(-1)).toEqual({ label: 'Parla con una persona', value: 'person' });
    expect(question.options!.length).toBeGreaterThan(1);

    // The quick reply picks the queue; the bot tells the position.
    await maria.say('Amministrazione e pagamenti', { reply: 'billing' });
    const queued = await maria.line((line) => /in coda/.test(line.text));
    expect(queued.text).toContain('Sei 1° in coda');
    await expect(maria.next('chat.status', (status) => status.state === 'waiting')).resolves.toMatchObject({
      position: 1,
    });

    const anna = await operator('anna');
    const offer = await anna.next('offer');
    expect(offer).toMatchObject({ channel: 'chat', queue: 'billing', language: 'it' });
    const accepted = await anna.send('offer.accept', { offerId: offer.offerId });
    expect(accepted.ok).toBe(true);
    await expect(
      maria.line((line) => line.text === 'Anna si è unito alla conversazione.'),
    ).resolves.toBeDefined();
    await expect(maria.next('chat.status', (status) => status.state === 'talking')).resolves.toMatchObject({
      operatorName: 'Anna',
    });

    // The console sees the whole transcript, the bot's question included.
    const transcript = await anna.send<ChatLine[]>('chat.transcript', { contactId: offer.contactId });
    expect(transcript.ok).toBe(true);
    const lines = transcript.ok ? transcript.data : [];
    expect(lines.map((line) => line.author)).toEqual(['bot', 'customer', 'bot', 'customer', 'bot', 'bot']);
    expect(lines[2].text).toBe(question.text);

    // Both ways, with typing indicators and read receipts.
    await anna.send('chat.typing', { contactId: offer.contactId, typing: true });
    await expect(maria.next('chat.typing')).resolves.toEqual({ typing: true });
    const hello = await anna.send<ChatLine>('chat.send', {
      contactId: offer.contactId,
      clientId: 'a1',
      text: 'Buongiorno Maria, mi dica pure.',
    });
    expect(hello).toMatchObject({ ok: true, data: { author: 'operator', operatorName: 'Anna' } });
    const received = await maria.line((line) => line.author === 'operator');
    expect(received).toMatchObject({ text: 'Buongiorno Maria, mi dica pure.', operatorName: 'Anna' });
    await maria.send('chat.read', { upTo: received.id });
    await expect(
      anna.next('chat.read', (read) => read.messageIds.includes(received.id)),
    ).resolves.toMatchObject({ contactId: offer.contactId });

    await maria.send('chat.typing', { typing: true });
    await expect(anna.next('chat.typing')).resolves.toEqual({ contactId: offer.contactId, typing: true });
    const reply = await maria.say('La bolletta di marzo è doppia.');
    const relayed = await anna.next('chat.message', (message) => message.message.author === 'customer');
    expect(relayed).toEqual({ contactId: offer.contactId, message: reply.ok ? reply.data : null });
    await anna.send('chat.read', { contactId: offer.contactId, upTo: relayed.message.id });
    // Everything the customer wrote up to that line is read now, the earlier triage answers included.
    const read = await maria.next('chat.read');
    expect(read.messageIds).toContain(relayed.message.id);
    expect(read.messageIds).toHaveLength(3);

    // The operator closes: completed, the customer is told, the operator goes to wrap-up.
    const closed = await anna.send('chat.close', { contactId: offer.contactId });
    expect(closed).toMatchObject({ ok: true, data: { state: 'completed' } });
    await expect(maria.next('chat.status', (status) => status.state === 'ended')).resolves.toBeDefined();
    await expect(anna.next('contact.ended')).resolves.toMatchObject({ contactId: offer.contactId });
    const after = await maria.say('ancora una cosa');
    expect(after).toMatchObject({ ok: false, error: { code: 'conversation_ended' } });

    const contact = await getContact(service.url, offer.contactId);
    expect(contact.state).toBe('completed');
    expect(contact.events.map((event) => event.type)).toEqual([
      'received',
      'clarifying',
      'triaged',
      'queued',
      'offered',
      'connected',
      'completed',
    ]);
  });

  it('queues a clear Romanian message at once, in Romanian', async () => {
    const ion = await customer();
    await ion.start();
    await ion.say('Bună ziua, am o problemă cu factura, plata nu a trecut');
    const queued = await ion.line((line) => /coadă/.test(line.text));
    expect(queued.text).toContain('Facturare și plăți');
    const status = await ion.next('chat.status', (next) => next.state === 'waiting');
    expect(status.position).toBeGreaterThanOrEqual(1);
    await ion.send('chat.end', {});
  });

  it('tells the customer of a transfer to a colleague, connects the colleague, and shows the end when completed', async () => {
    const giulia = await customer();
    await giulia.start({ language: 'it' });
    await giulia.say('Buongiorno, la fattura di marzo ha un importo sbagliato');
    await giulia.line((line) => /in coda/.test(line.text));
    const anna = await operator('anna');
    const ion = await operator('ion');
    const offer = await anna.next('offer');
    expect(offer).toMatchObject({ channel: 'chat', queue: 'billing' });
    expect((await anna.send('offer.accept', { offerId: offer.offerId })).ok).toBe(true);
    await giulia.next('chat.status', (status) => status.state === 'talking');

    const transferred = await anna.send('contact.transfer', {
      contactId: offer.contactId,
      target: { kind: 'operator', operatorId: ion.operatorId },
    });
    expect(transferred.ok).toBe(true);
    await expect(giulia.line((line) => /Ti passo a un collega/.test(line.text))).resolves.toMatchObject({
      author: 'bot',
    });
    await expect(giulia.next('chat.status', (status) => status.state === 'waiting')).resolves.toMatchObject({
      position: 1,
    });

    const second = await ion.next('offer', (next) => next.contactId === offer.contactId);
    expect((await ion.send('offer.accept', { offerId: second.offerId })).ok).toBe(true);
    await expect(giulia.next('chat.status', (status) => status.state === 'talking')).resolves.toMatchObject({
      operatorName: 'Ion',
    });
    // Completed from the console (not chat.close): the widget is told the conversation ended.
    const completed = await ion.send('contact.complete', {
      contactId: offer.contactId,
      disposition: 'resolved',
    });
    expect(completed).toMatchObject({ ok: true, data: { state: 'completed' } });
    await expect(giulia.next('chat.status', (status) => status.state === 'ended')).resolves.toBeDefined();
    await expect(
      giulia.line((line) => /La conversazione è terminata/.test(line.text)),
    ).resolves.toBeDefined();
    const contact = await getContact(service.url, offer.contactId);
    const journey = contact.events.map((event) => event.type).filter((type) => type !== 'note');
    expect(journey).toEqual([
      'received',
      'triaged',
      'queued',
      'offered',
      'connected',
      'queued',
      'offered',
      'connected',
      'completed',
    ]);
  });

  it('stores a resent line once and triages it once', async () => {
    const paolo = await customer();
    await paolo.start({ language: 'it' });
    const first = await paolo.say('vorrei sapere lo stato della fattura', { clientId: 'same' });
    const again = await paolo.say('vorrei sapere lo stato della fattura', { clientId: 'same' });
    expect(first.ok && again.ok && first.data.id === again.data.id).toBe(true);
    await paolo.line((line) => /in coda/.test(line.text));
    const resumed = await ChatCustomer.connect(service.url, { resumeToken: paolo.resumeToken });
    customers.push(resumed);
    expect(resumed.conversationId).toBe(paolo.conversationId);
    const customerLines = resumed.snapshot!.transcript.filter((line) => line.author === 'customer');
    expect(customerLines).toEqual([expect.objectContaining({ id: first.ok ? first.data.id : '' })]);
    const contact = await getContact(service.url, await contactOf(paolo));
    expect(contact.events.filter((event) => event.type === 'queued')).toHaveLength(1);
    await paolo.send('chat.end', {});
  });

  it('resumes a conversation with its token after a reload, and abandons a customer who does not come back', async () => {
    const lucia = await customer();
    await lucia.start({ language: 'it' });
    await lucia.say('ho un problema con il pagamento della fattura');
    await lucia.line((line) => /in coda/.test(line.text));
    const token = lucia.resumeToken;
    lucia.close();

    // Back within the grace period (3 s): same conversation, transcript and place; not abandoned.
    await new Promise((resolve) => setTimeout(resolve, 1000));
    const back = await ChatCustomer.connect(service.url, { resumeToken: token });
    customers.push(back);
    expect(back.conversationId).toBe(lucia.conversationId);
    const contactId = await contactOf(back);
    await new Promise((resolve) => setTimeout(resolve, 4000));
    await expect(getContact(service.url, contactId)).resolves.toMatchObject({ state: 'queued' });

    // Gone for good: abandoned after the grace period, with the reason recorded.
    back.close();
    const abandoned = await waitForState(service.url, contactId, 'abandoned', 15_000);
    expect(abandoned.events.at(-1)?.data).toMatchObject({ reason: 'customer_left' });
  });

  it('refuses a forged resume token at the handshake', async () => {
    const real = await customer();
    await real.start();
    const forged = `${real.conversationId}.${'A'.repeat(43)}`;
    await expect(ChatCustomer.connect(service.url, { resumeToken: forged })).rejects.toMatchObject({
      message: 'This conversation cannot be resumed',
      data: { code: 'invalid_resume_token' },
    });
  });

  it('refuses a message over the size limit with a clear error and stores nothing', async () => {
    const long = await customer();
    await long.start();
    const refused = await long.say('x'.repeat(301));
    expect(refused).toMatchObject({ ok: false, error: { code: 'message_too_long' } });
    const reconnected = await ChatCustomer.connect(service.url, { resumeToken: long.resumeToken });
    customers.push(reconnected);
    expect(reconnected.snapshot!.transcript.map((line) => line.author)).toEqual(['bot']);
    await expect(reconnected.send('chat.read', { upTo: 'not-a-uuid' })).resolves.toMatchObject({
      ok: false,
      error: { code: 'validation_failed' },
    });
  });

  it('relays HTML and script as the exact text, never as markup', async () => {
    const html = '<img src=x onerror="alert(1)"><script>alert(2)</script> & <b>bold</b>';
    const mallory = await customer();
    await mallory.start({ language: 'en' });
    await mallory.say('I need help with my invoice payment please');
    await mallory.line((line) => /queue/.test(line.text));
    const anna = await operator('anna');
    const offer = await anna.next('offer', (next) => next.channel === 'chat');
    await anna.send('offer.accept', { offerId: offer.offerId });
    const sent = await mallory.say(html);
    expect(sent).toMatchObject({ ok: true, data: { text: html } });
    const relayed = await anna.next('chat.message', (message) => message.message.author === 'customer');
    expect(relayed.message.text).toBe(html);
    // Another operator cannot write into Anna's chat.
    const ion = await OperatorClient.connect(service.url, 'ion');
    operators.push(ion);
    await expect(
      ion.send('chat.send', { contactId: offer.contactId, clientId: 'b1', text: 'hi' }),
    ).resolves.toMatchObject({ ok: false, error: { code: 'forbidden' } });
    await anna.send('chat.close', { contactId: offer.contactId });
  });

  /** The chat's contact id, read from the database (the widget is never told internal ids). */
  async function contactOf(client: ChatCustomer): Promise<string> {
    const db = new Client({ connectionString: service.databaseUrl });
    await db.connect();
    try {
      const { rows } = await db.query<{ id: string }>(
        `SELECT id FROM contacts WHERE provider = 'webchat' AND external_id = $1`,
        [client.conversationId],
      );
      return rows[0].id;
    } finally {
      await db.end();
    }
  }
});

describe('web chat flood limits', () => {
  let service: TestService;

  beforeAll(async () => {
    service = await startTestService('postgres', {
      FRONT_OFFICE_CONFIG: chatFrontOffice({
        messagesPerConnection: 3,
        messagesPerIp: 5,
        rateWindowSeconds: 30,
      }),
    });
  }, 60_000);

  afterAll(async () => {
    await service?.stop();
  });

  it('limits messages per connection and per IP, with a notice saying when to retry', async () => {
    const first = await ChatCustomer.connect(service.url);
    const second = await ChatCustomer.connect(service.url);
    try {
      await first.start();
      await second.start();
      for (let i = 0; i < 3; i++) await expect(first.say(`ciao ${i}`)).resolves.toMatchObject({ ok: true });
      await expect(first.say('troppo')).resolves.toMatchObject({
        ok: false,
        error: { code: 'rate_limited' },
      });
      const notice = await first.next('chat.notice');
      expect(notice).toMatchObject({ code: 'rate_limited' });
      expect(notice.retryAfterMs).toBeGreaterThan(0);

      // The same IP has 5 in the window: the second connection gets 2 more, then is refused too.
      for (let i = 0; i < 2; i++) await expect(second.say(`salve ${i}`)).resolves.toMatchObject({ ok: true });
      await expect(second.say('troppo')).resolves.toMatchObject({
        ok: false,
        error: { code: 'rate_limited' },
      });
    } finally {
      first.close();
      second.close();
    }
  });
});
