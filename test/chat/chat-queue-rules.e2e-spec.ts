import { ChatStatus } from '@centralino/realtime/chat-events.contract';
import { ChatCustomer } from '../support/chat-customer';
import { getContact } from '../support/contacts-api';
import { writeFixtureConfig } from '../support/fixture-config';
import { OperatorClient } from '../support/operator-client';
import { startTestService, TestService } from '../support/test-service';

const ROME = 'Europe/Rome';

function romeDate(days: number): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone: ROME }).format(
    new Date(Date.now() + days * 86_400_000),
  );
}

/**
 * The triage taxonomy with rules: billing closed for good, out of hours a message for accounting; sales
 * closed until the day after tomorrow (holidays), announced; reception at most 1 s of waiting, then a
 * message for the reception inbox. Nobody logs in to take a chat.
 */
const FIXTURE = writeFixtureConfig((config) => {
  const types = config.problemTypes as Record<string, unknown>[];
  const type = (id: string) => types.find((candidate) => candidate.id === id)!;
  Object.assign(type('billing'), {
    businessHours: { timezone: ROME, weekly: {} },
    outOfHours: { action: 'message', department: 'accounting' },
  });
  Object.assign(type('sales'), {
    businessHours: {
      timezone: ROME,
      weekly: Object.fromEntries(
        ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'].map((day) => [day, [['08:30', '18:00']]]),
      ),
      holidays: [romeDate(-1), romeDate(0), romeDate(1)],
    },
  });
  Object.assign(type('reception'), { maxWaitSeconds: 1, overflow: { action: 'message' } });
  config.backOffice = {
    departments: { accounting: { members: ['anna'] }, reception: { members: ['anna'] } },
  };
}, 'front-office.triage.yaml');

interface InboxMessage {
  contactId: string;
  source: string;
  caller: { name: string | null; address: string; callbackAddress: string | null };
  text: string;
}

describe('web chat and the queue rules: closed notice, leave-a-message form, maximum wait (real socket.io clients)', () => {
  let service: TestService;
  const customers: ChatCustomer[] = [];

  beforeAll(async () => {
    service = await startTestService('pglite', { FRONT_OFFICE_CONFIG: FIXTURE });
  }, 60_000);

  afterAll(async () => {
    for (const customer of customers) customer.close();
    await service?.stop();
  });

  async function customer(): Promise<ChatCustomer> {
    const widget = await ChatCustomer.connect(service.url);
    customers.push(widget);
    await widget.start({ language: 'it' });
    return widget;
  }

  async function inbox(department: string): Promise<InboxMessage[]> {
    const { token } = await OperatorClient.login(service.url, 'anna');
    const response = await fetch(`${service.url}/messages?department=${department}`, {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(response.status).toBe(200);
    return ((await response.json()) as { messages: InboxMessage[] }).messages;
  }

  async function contactOf(widget: ChatCustomer) {
    const snapshot = await ChatCustomer.connect(service.url, { resumeToken: widget.resumeToken });
    customers.push(snapshot);
    return snapshot.snapshot!;
  }

  it('a closed queue that announces: the bot says when it opens again, the conversation ends closed', async () => {
    const giulia = await customer();
    expect((await giulia.say('vorrei un preventivo per acquistare 10 licenze')).ok).toBe(true);
    const notice = await giulia.line((line) => line.author === 'bot' && /chiusi/.test(line.text));
    expect(notice.text).toMatch(/^I nostri uffici sono chiusi in questo momento\. Riapriamo .+ 08:30\.$/);
    await giulia.next('chat.status', (status) => status.state === 'ended');
    const refused = await giulia.say('ci siete?');
    expect(refused).toMatchObject({ ok: false, error: { code: 'conversation_ended' } });
    const snapshot = await contactOf(giulia);
    expect(snapshot.status.state).toBe('ended');
  });

  it('out of hours with a message rule: the form is offered; bad input is refused with a reason; the message reaches accounting once', async () => {
    const paolo = await customer();
    await paolo.say('ho ricevuto una fattura con un addebito sbagliato');
    const status = await paolo.next('chat.status', (next) => next.state === 'message');
    expect(status).toMatchObject({ canLeaveMessage: true, messageReason: 'out_of_hours', position: null });
    await paolo.line((line) => /^I nostri uffici sono chiusi/.test(line.text));

    const badContact = await paolo.send('chat.leave-message', {
      name: 'Paolo',
      contact: 'domani',
      text: 'x',
    });
    expect(badContact).toMatchObject({ ok: false, error: { code: 'validation_failed' } });
    expect((badContact as { error: { message: string } }).error.message).toMatch(/phone number or an e-mail/);
    const tooLong = await paolo.send('chat.leave-message', {
      name: 'Paolo',
      contact: '+39 333 123 4567',
      text: 'x'.repeat(2001),
    });
    expect(tooLong).toMatchObject({ ok: false, error: { code: 'message_too_long' } });
    const empty = await paolo.send('chat.leave-message', {
      name: '',
      contact: '+39 333 123 4567',
      text: 'ok',
    });
    expect(empty).toMatchObject({ ok: false, error: { code: 'validation_failed' } });
    expect(await inbox('accounting')).toEqual([]);

    const form = { name: 'Paolo Verdi', contact: '+39 333 123 4567', text: 'Fattura 42: addebito doppio.' };
    const done = await paolo.send<ChatStatus>('chat.leave-message', form);
    expect(done).toMatchObject({ ok: true, data: { state: 'ended' } });
    // A resend after a lost acknowledgement changes nothing.
    expect(await paolo.send('chat.leave-message', form)).toEqual(done);
    const mine = await inbox('accounting');
    expect(mine).toHaveLength(1);
    expect(mine[0]).toMatchObject({
      source: 'out_of_hours',
      caller: { name: 'Paolo Verdi', address: '+39 333 123 4567', callbackAddress: '+393331234567' },
      text: 'Fattura 42: addebito doppio.',
    });
    const contact = await getContact(service.url, mine[0]!.contactId);
    expect(contact.state).toBe('message_taken');
    expect(contact.events.at(-1)!.data).toMatchObject({ source: 'out_of_hours', recipientId: 'accounting' });
  });

  it('a waiting chat that waits too long is moved to the form by the timer, the bot telling why', async () => {
    const sara = await customer();
    await sara.say('buongiorno');
    const question = await sara.line((line) => !!line.options?.length);
    expect(question.options!.at(-1)!.value).toBe('person');
    await sara.say('Parla con una persona', { reply: 'person' });
    await sara.next('chat.status', (status) => status.state === 'waiting');
    const moved = await sara.next('chat.status', (status) => status.state === 'message', 15_000);
    await sara.line((line) => line.text.startsWith('Tutti i nostri operatori sono occupati.'), 1_000);
    expect(moved).toMatchObject({ canLeaveMessage: true, messageReason: 'overflow' });
    const done = await sara.send<ChatStatus>('chat.leave-message', {
      name: 'Sara',
      contact: 'sara@example.com',
      text: 'Richiamatemi per favore.',
    });
    expect(done).toMatchObject({ ok: true, data: { state: 'ended' } });
    const mine = (await inbox('reception')).filter((message) => message.caller.name === 'Sara');
    expect(mine).toMatchObject([
      { source: 'overflow', caller: { address: 'sara@example.com', callbackAddress: null } },
    ]);
    const contact = await getContact(service.url, mine[0]!.contactId);
    expect(contact.events.find((event) => event.type === 'messaging')!.data).toMatchObject({
      rule: 'max_wait',
      queue: 'reception',
    });
  });

  it('the form outside the message state is refused (conflict), not a 500', async () => {
    const luca = await customer();
    const early = await luca.send('chat.leave-message', {
      name: 'Luca',
      contact: 'luca@example.com',
      text: 'x',
    });
    expect(early).toMatchObject({ ok: false, error: { code: 'conflict' } });
  });
});
