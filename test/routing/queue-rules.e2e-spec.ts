import { generateKeyPairSync, randomBytes, randomUUID } from 'node:crypto';
import { GenericSignatureVerifier } from '@centralino/intake';
import { ContactRepository } from '@centralino/persistence';
import { QueueRegistry, TIMERS_QUEUE } from '@centralino/queueing';
import { ContactFlowService, maxWaitJobId } from '@centralino/routing';
import { ContactView, getContact, waitForState } from '../support/contacts-api';
import { callEnded, callStarted } from '../support/calls';
import { writeFixtureConfig } from '../support/fixture-config';
import { OperatorClient } from '../support/operator-client';
import { SupervisorClient } from '../support/supervisor-client';
import { startTestService, TEST_WEBHOOK_SECRET, TestService } from '../support/test-service';
import { TelnyxClient } from '../support/telnyx-client';
import { TwilioClient } from '../support/twilio-client';
import { VonageClient } from '../support/vonage-client';
import { postGenericWebhook } from '../support/webhook-client';
import { RestStub } from '../providers/rest-stub';

const PUBLIC_BASE_URL = 'https://centralino.example.com';
const TWILIO_TOKEN = randomBytes(16).toString('hex');
const TWILIO_ACCOUNT_SID = `AC${randomBytes(16).toString('hex')}`;
const VONAGE_SECRET = randomBytes(24).toString('hex');
const VONAGE_APPLICATION_ID = randomUUID();
const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
const ROME = 'Europe/Rome';

/** The local date in Rome `days` from now, YYYY-MM-DD. */
function romeDate(days: number): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone: ROME }).format(
    new Date(Date.now() + days * 86_400_000),
  );
}

/**
 * A calendar open every day at all hours, except that yesterday, today and tomorrow (in Rome) are
 * holidays: closed now, whatever the hour the test runs, and opening the day after tomorrow at 00:00.
 */
const CLOSED_UNTIL_AFTER_TOMORROW = {
  timezone: ROME,
  weekly: Object.fromEntries(
    ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'].map((day) => [day, [['00:00', '23:59']]]),
  ),
  holidays: [romeDate(-1), romeDate(0), romeDate(1)],
};

/**
 * billing (1): closed, out of hours a message for accounting. sales (3): closed, announced (the default).
 * technical_support (2): at most one waiting, then reception. reception (0): at most 2 s of waiting,
 * then a message for the reception inbox. Nobody logs in to take a call: contacts only wait.
 */
const FIXTURE = writeFixtureConfig((config) => {
  const types = config.problemTypes as Record<string, unknown>[];
  const type = (id: string) => types.find((candidate) => candidate.id === id)!;
  Object.assign(type('billing'), {
    businessHours: CLOSED_UNTIL_AFTER_TOMORROW,
    outOfHours: { action: 'message', department: 'accounting' },
  });
  Object.assign(type('technical_support'), {
    maxLength: 1,
    overflow: { action: 'overflow', queue: 'reception' },
  });
  Object.assign(type('reception'), { maxWaitSeconds: 2, overflow: { action: 'message' } });
  // warranty (5): at most 2 s of waiting, then it waits in complaints (6), by its age.
  types.push(
    {
      id: 'warranty',
      name: { it: 'Garanzia', en: 'Warranty' },
      digit: '5',
      maxWaitSeconds: 2,
      overflow: { action: 'overflow', queue: 'complaints' },
    },
    { id: 'complaints', name: { it: 'Reclami', en: 'Complaints' }, digit: '6' },
  );
  types.push({
    id: 'sales',
    name: { it: 'Vendite', en: 'Sales' },
    digit: '3',
    businessHours: CLOSED_UNTIL_AFTER_TOMORROW,
  });
  const operators = config.operators as { passwordHash: string }[];
  operators.push({
    username: 'sara',
    displayName: 'Sara',
    role: 'supervisor',
    passwordHash: operators[0].passwordHash,
    languages: ['it'],
  } as never);
  config.callbacks = { digit: '9', maxAttempts: 2, retryDelaySeconds: 1, ringSeconds: 10 };
  config.directory = [{ id: 'accounting', kind: 'department', name: 'Contabilità' }];
  config.backOffice = {
    departments: { accounting: { members: ['anna'] }, reception: { members: ['anna'] } },
  };
}, 'front-office.providers.yaml');

interface InboxMessage {
  contactId: string;
  source: string;
  department: string;
  caller: { name: string | null; address: string };
  text: string;
}

describe('queue rules: out of hours, maximum length and maximum wait, enforced at intake and by a timer', () => {
  let service: TestService;
  let stub: RestStub;
  let twilio: TwilioClient;
  let vonage: VonageClient;
  let telnyx: TelnyxClient;
  let annaToken: string;

  beforeAll(async () => {
    stub = await new RestStub().start();
    telnyx = new TelnyxClient('', stub.requests);
    service = await startTestService('pglite', {
      FRONT_OFFICE_CONFIG: FIXTURE,
      PUBLIC_BASE_URL,
      TWILIO_AUTH_TOKEN: TWILIO_TOKEN,
      TWILIO_ACCOUNT_SID,
      TWILIO_API_BASE_URL: stub.url,
      GENERIC_ACTIONS_URL: `${stub.url}/gateway/actions`,
      VONAGE_SIGNATURE_SECRET: VONAGE_SECRET,
      VONAGE_APPLICATION_ID,
      VONAGE_PRIVATE_KEY: privateKey
        .export({ type: 'pkcs8', format: 'pem' })
        .toString()
        .replace(/\n/g, '\\n'),
      VONAGE_API_BASE_URL: stub.url,
      TELNYX_PUBLIC_KEY: telnyx.publicKey,
      TELNYX_API_KEY: `KEY${randomBytes(8).toString('hex')}`,
      TELNYX_API_BASE_URL: `${stub.url}/v2`,
    });
    telnyx.serviceUrl = service.url;
    twilio = new TwilioClient(service.url, PUBLIC_BASE_URL, TWILIO_TOKEN);
    vonage = new VonageClient(service.url, VONAGE_SECRET, VONAGE_APPLICATION_ID);
    annaToken = (await OperatorClient.login(service.url, 'anna')).token;
  }, 90_000);

  afterAll(async () => {
    await service?.stop();
    await stub?.stop();
  });

  async function inbox(department: string): Promise<InboxMessage[]> {
    const response = await fetch(`${service.url}/messages?department=${department}`, {
      headers: { authorization: `Bearer ${annaToken}` },
    });
    expect(response.status).toBe(200);
    return ((await response.json()) as { messages: InboxMessage[] }).messages;
  }

  async function contactIdOf(provider: string, externalId: string): Promise<string> {
    const contact = await service.running.app.get(ContactRepository).findByExternalId(provider, externalId);
    expect(contact).not.toBeNull();
    return contact!.id;
  }

  /** The current actions of a generic call, as a polling gateway reads them (signed over the path). */
  async function currentActions(callId: string): Promise<unknown> {
    const path = `/webhooks/generic/calls/${encodeURIComponent(callId)}/actions`;
    const response = await fetch(`${service.url}${path}`, {
      headers: { 'webhook-signature': GenericSignatureVerifier.header(TEST_WEBHOOK_SECRET, path) },
    });
    expect(response.status).toBe(200);
    return ((await response.json()) as { actions: unknown }).actions;
  }

  function input(callId: string, field: string, extra: Record<string, unknown>) {
    return { id: `evt_${randomUUID()}`, type: 'call.input', callId, field, ...extra };
  }

  function twilioCall() {
    return {
      CallSid: `CA${randomBytes(16).toString('hex')}`,
      From: `+39333${String(Math.floor(Math.random() * 10_000_000)).padStart(7, '0')}`,
      To: '+390200000000',
      CallStatus: 'in-progress',
    };
  }

  const FINAL = ['completed', 'abandoned', 'message_taken', 'overflowed', 'failed', 'transferred', 'closed'];

  /** Polls until `find` returns something (asynchronous pushes), at most 10 s. */
  async function eventually<T>(find: () => T | undefined | Promise<T | undefined>): Promise<T> {
    const deadline = Date.now() + 10_000;
    for (;;) {
      const found = await find();
      if (found !== undefined) return found;
      expect(Date.now()).toBeLessThan(deadline);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  /** Every contact of the test ends in a final state with its end recorded. */
  async function expectFinal(contactId: string): Promise<ContactView> {
    const contact = await getContact(service.url, contactId);
    expect(FINAL).toContain(contact.state);
    expect(contact.endedAt).not.toBeNull();
    expect(contact.events.at(-1)!.type).toBe(contact.state);
    return contact;
  }

  it('generic: a closed queue that announces: the closed prompt with the next opening, contact closed, a retry gets the same', async () => {
    const started = callStarted({ digits: '3' });
    const reply = await postGenericWebhook(service.url, started);
    expect(reply.status).toBe(200);
    expect(reply.body).toMatchObject({ state: 'closed', queue: 'sales', position: null });
    const actions = reply.body.actions as { type: string; text?: string }[];
    expect(actions.map((action) => action.type)).toEqual(['say', 'hangup']);
    expect(actions[0]!.text).toMatch(
      /^I nostri uffici sono chiusi in questo momento\. Riapriamo \S+ \d{1,2} \S+ alle ore 00:00\. Arrivederci\.$/,
    );

    const contact = await expectFinal(reply.body.contactId as string);
    expect(contact.events.map((event) => event.type)).toEqual(['received', 'triaged', 'queued', 'closed']);
    const closed = contact.events.at(-1)!.data;
    expect(closed).toMatchObject({ reason: 'out_of_hours', queue: 'sales' });
    const opening = new Date(closed.nextOpening as string);
    expect(new Intl.DateTimeFormat('en-CA', { timeZone: ROME }).format(opening)).toBe(romeDate(2));
    expect(
      new Intl.DateTimeFormat('en-GB', { timeZone: ROME, hour: '2-digit', minute: '2-digit' }).format(
        opening,
      ),
    ).toBe('00:00');

    const again = await postGenericWebhook(service.url, started);
    expect(again.body).toMatchObject({ state: 'closed', duplicate: true, actions: reply.body.actions });
    expect(await currentActions(started.callId)).toEqual(reply.body.actions);
    // The gateway reports the hang-up: the contact stays closed.
    expect((await postGenericWebhook(service.url, callEnded(started.callId))).body).toMatchObject({
      state: 'closed',
    });
    expect((await getContact(service.url, contact.id)).state).toBe('closed');
  });

  it('generic: a closed queue that takes messages: the out-of-hours introduction, then the message reaches the department inbox', async () => {
    const started = callStarted({ digits: '1', from: '+393331112222' });
    const reply = await postGenericWebhook(service.url, started);
    expect(reply.body).toMatchObject({
      state: 'messaging',
      queue: 'billing',
      actions: [
        {
          type: 'say',
          text: 'I nostri uffici sono chiusi in questo momento. Lasci un messaggio e la richiameremo.',
        },
        { type: 'gather', field: 'name', prompt: 'Per favore, ci dica il suo nome.' },
      ],
    });
    await postGenericWebhook(service.url, input(started.callId, 'name', { speech: 'Lucia Bianchi' }));
    await postGenericWebhook(
      service.url,
      input(started.callId, 'text', { speech: 'fattura 7 da correggere' }),
    );
    const done = await postGenericWebhook(
      service.url,
      input(started.callId, 'callback', { digits: '0612345678' }),
    );
    expect(done.body).toMatchObject({ state: 'message_taken' });

    const contactId = reply.body.contactId as string;
    const contact = await expectFinal(contactId);
    expect(contact.events.find((event) => event.type === 'messaging')!.data).toMatchObject({
      reason: 'out_of_hours',
      recipientId: 'accounting',
      rule: 'out_of_hours',
    });
    const mine = (await inbox('accounting')).filter((message) => message.contactId === contactId);
    expect(mine).toHaveLength(1);
    expect(mine[0]).toMatchObject({
      source: 'out_of_hours',
      department: 'accounting',
      caller: { name: 'Lucia Bianchi', address: '+393331112222' },
      text: 'fattura 7 da correggere',
    });
  });

  it('Twilio: a closed queue answers with the closed <Say> and <Hangup>; the message path asks the name in a <Gather>', async () => {
    const closedCall = twilioCall();
    expect((await twilio.post('/webhooks/twilio/voice', closedCall)).status).toBe(200);
    const closed = await twilio.post('/webhooks/twilio/voice/gather', { ...closedCall, Digits: '3' });
    expect(closed.status).toBe(200);
    expect(closed.twiml.Response.Enqueue).toBeUndefined();
    expect(closed.twiml.Response.Say['#text']).toMatch(
      /^I nostri uffici sono chiusi.*Riapriamo .*Arrivederci\.$/,
    );
    expect(closed.twiml.Response).toHaveProperty('Hangup');
    const closedId = await contactIdOf('twilio', closedCall.CallSid);
    await twilio.post('/webhooks/twilio/voice/status', { ...closedCall, CallStatus: 'completed' });
    expect((await expectFinal(closedId)).state).toBe('closed');

    const messageCall = twilioCall();
    await twilio.post('/webhooks/twilio/voice', messageCall);
    const asked = await twilio.post('/webhooks/twilio/voice/gather', { ...messageCall, Digits: '1' });
    expect(asked.twiml.Response.Enqueue).toBeUndefined();
    expect(asked.twiml.Response.Say['#text']).toBe(
      'I nostri uffici sono chiusi in questo momento. Lasci un messaggio e la richiameremo.',
    );
    expect(asked.twiml.Response.Gather['@_action']).toBe(
      `${PUBLIC_BASE_URL}/webhooks/twilio/voice/message?field=name`,
    );
    // The caller hangs up without saying anything: abandoned, nothing in the inbox.
    await twilio.post('/webhooks/twilio/voice/status', { ...messageCall, CallStatus: 'completed' });
    const messageId = await contactIdOf('twilio', messageCall.CallSid);
    expect((await expectFinal(messageId)).state).toBe('abandoned');
    expect((await inbox('accounting')).some((message) => message.contactId === messageId)).toBe(false);
  });

  it('maximum length: of four calls at once for a queue of one, one waits there and three overflow keeping their enqueue time; then the maximum wait sends them to leave a message', async () => {
    const calls = Array.from({ length: 4 }, () => callStarted({ digits: '2' }));
    const replies = await Promise.all(calls.map((call) => postGenericWebhook(service.url, call)));
    for (const reply of replies) expect(reply.status).toBe(200);
    const contacts = await Promise.all(
      replies.map((reply) => getContact(service.url, reply.body.contactId as string)),
    );
    const inSupport = contacts.filter((contact) => contact.problemType === 'technical_support');
    const overflowed = contacts.filter((contact) => contact.problemType === 'reception');
    expect(inSupport).toHaveLength(1);
    expect(overflowed).toHaveLength(3);
    expect(inSupport[0]!.state).toBe('queued');
    for (const contact of overflowed) {
      const note = contact.events.find((event) => event.type === 'note')!;
      expect(note.data).toMatchObject({
        kind: 'overflow',
        from: 'technical_support',
        to: 'reception',
        reason: 'queue_full',
      });
      // The original enqueue time is kept: queuedAt is the first `queued` event's time.
      expect(contact.queuedAt).toBe(contact.events.find((event) => event.type === 'queued')!.at);
    }

    // reception allows 2 s of waiting, then a message for the reception inbox.
    for (const contact of overflowed) {
      const leaving = await waitForState(service.url, contact.id, 'messaging', 15_000);
      expect(leaving.events.at(-1)!.data).toMatchObject({
        reason: 'overflow',
        rule: 'max_wait',
        recipientId: null,
      });
    }
    const first = calls[replies.findIndex((reply) => reply.body.contactId === overflowed[0]!.id)]!;
    // The gateway is told at once (signed push of the new actions), and can also ask.
    const pushed = await eventually(() =>
      stub.requests.find(
        (request) =>
          request.path === '/gateway/actions' &&
          request.body.includes(first.callId) &&
          request.body.includes('"field":"name"'),
      ),
    );
    expect(JSON.parse(pushed.body)).toMatchObject({ callId: first.callId, state: 'messaging' });
    expect(await currentActions(first.callId)).toMatchObject([
      { type: 'say', text: 'Tutti i nostri operatori sono occupati. Lasci un messaggio e la richiameremo.' },
      { type: 'gather', field: 'name' },
    ]);
    await postGenericWebhook(service.url, input(first.callId, 'name', { speech: 'Marco' }));
    await postGenericWebhook(
      service.url,
      input(first.callId, 'text', { speech: 'il router non si accende' }),
    );
    await postGenericWebhook(service.url, input(first.callId, 'callback', { digits: '0612345678' }));
    const taken = (await inbox('reception')).filter((message) => message.contactId === overflowed[0]!.id);
    expect(taken).toMatchObject([{ source: 'overflow', text: 'il router non si accende' }]);

    // The one in technical_support has no maximum wait there: it still waits. Everyone hangs up.
    expect((await getContact(service.url, inSupport[0]!.id)).state).toBe('queued');
    for (const call of calls) await postGenericWebhook(service.url, callEnded(call.callId));
    for (const contact of contacts) await expectFinal(contact.id);
    expect((await getContact(service.url, inSupport[0]!.id)).state).toBe('abandoned');
  });

  it('Twilio: the maximum wait redirects the holding caller to the message questions (call update, and <Leave/> on a wait request)', async () => {
    const call = twilioCall();
    await twilio.post('/webhooks/twilio/voice', call);
    const queued = await twilio.post('/webhooks/twilio/voice/gather', { ...call, Digits: '0' });
    expect(queued.twiml.Response.Enqueue['#text']).toBe('reception');
    const contactId = await contactIdOf('twilio', call.CallSid);
    const waiting = await twilio.post('/webhooks/twilio/voice/wait', call);
    expect(waiting.twiml.Response).not.toHaveProperty('Leave');

    await waitForState(service.url, contactId, 'messaging', 15_000);
    // Redirected at once by a call update with the questions' TwiML (Twilio's REST API, stubbed)...
    const update = await eventually(() =>
      stub.requests.find(
        (request) => request.method === 'POST' && request.path.includes(`/Calls/${call.CallSid}.json`),
      ),
    );
    const twiml = new URLSearchParams(update.body).get('Twiml') ?? '';
    expect(twiml).toContain('Tutti i nostri operatori sono occupati. Lasci un messaggio e la richiameremo.');
    expect(twiml).toContain(`action="${PUBLIC_BASE_URL}/webhooks/twilio/voice/message?field=name"`);
    // ...and a wait request still in flight gets the caller out of the holding room too.
    const wait = await twilio.post('/webhooks/twilio/voice/wait', call);
    expect(wait.twiml.Response).toHaveProperty('Leave');
    const left = await twilio.post('/webhooks/twilio/voice/queue-result', { ...call, QueueResult: 'leave' });
    expect(left.twiml.Response.Say['#text']).toBe(
      'Tutti i nostri operatori sono occupati. Lasci un messaggio e la richiameremo.',
    );
    expect(left.twiml.Response.Gather['@_action']).toBe(
      `${PUBLIC_BASE_URL}/webhooks/twilio/voice/message?field=name`,
    );
    await twilio.post('/webhooks/twilio/voice/message?field=name', { ...call, SpeechResult: 'Sara' });
    await twilio.post('/webhooks/twilio/voice/message?field=text', { ...call, SpeechResult: 'richiamatemi' });
    await twilio.post('/webhooks/twilio/voice/status', { ...call, CallStatus: 'completed' });
    expect((await expectFinal(contactId)).state).toBe('message_taken');
    expect((await inbox('reception')).filter((message) => message.contactId === contactId)).toMatchObject([
      { source: 'overflow', caller: { name: 'Sara' }, text: 'richiamatemi' },
    ]);
  });

  it('a callback keeps its place: the maximum wait does not divert it', async () => {
    const started = callStarted({ digits: '0', from: '+393331117777' });
    const reply = await postGenericWebhook(service.url, started);
    expect(reply.body).toMatchObject({ state: 'queued', queue: 'reception' });
    const contactId = reply.body.contactId as string;
    const pressed = await postGenericWebhook(service.url, {
      id: `evt_${randomUUID()}`,
      type: 'call.input',
      callId: started.callId,
      digits: '9',
    });
    expect(pressed.body).toMatchObject({ state: 'queued', callback: { attempts: 0 } });
    await postGenericWebhook(service.url, callEnded(started.callId));

    // Until the max-wait timer of the contact has run (its job is removed once handled).
    const timers = service.running.app
      .get(QueueRegistry)
      .all()
      .find((queue) => queue.name === TIMERS_QUEUE)!;
    const deadline = Date.now() + 15_000;
    while (await timers.getJob(maxWaitJobId(contactId, 'reception'))) {
      expect(Date.now()).toBeLessThan(deadline);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    const contact = await getContact(service.url, contactId);
    expect(contact).toMatchObject({ state: 'queued', problemType: 'reception' });
    expect(contact.events.some((event) => event.type === 'messaging')).toBe(false);
  });

  it('Vonage: a closed queue is a talk NCCO; the maximum wait transfers a holding caller to the message questions', async () => {
    const closedCall = {
      uuid: randomUUID(),
      conversation_uuid: `CON-${randomUUID()}`,
      from: '393471110001',
      to: '390200000000',
    };
    expect((await vonage.answer(closedCall)).status).toBe(200);
    const closed = await vonage.post('input', { ...closedCall, dtmf: { digits: '3', timed_out: false } });
    expect(closed.status).toBe(200);
    expect(closed.body).toEqual([
      {
        action: 'talk',
        text: expect.stringMatching(/^I nostri uffici sono chiusi.*Arrivederci\.$/),
        language: 'it-IT',
      },
    ]);
    expect((await expectFinal(await contactIdOf('vonage', closedCall.uuid))).state).toBe('closed');

    const call = {
      uuid: randomUUID(),
      conversation_uuid: `CON-${randomUUID()}`,
      from: '393471110002',
      to: '390200000000',
    };
    await vonage.answer(call);
    const held = await vonage.post('input', { ...call, dtmf: { digits: '0', timed_out: false } });
    expect(held.status).toBe(200);
    const contactId = await contactIdOf('vonage', call.uuid);
    await waitForState(service.url, contactId, 'messaging', 15_000);
    const transfer = await eventually(() =>
      stub.requests.find((request) => request.method === 'PUT' && request.path === `/v1/calls/${call.uuid}`),
    );
    const body = JSON.parse(transfer.body) as {
      action: string;
      destination: { type: string; ncco: unknown[] };
    };
    expect(body).toMatchObject({ action: 'transfer', destination: { type: 'ncco' } });
    expect(body.destination.ncco).toEqual([
      {
        action: 'talk',
        text: 'Tutti i nostri operatori sono occupati. Lasci un messaggio e la richiameremo.',
        language: 'it-IT',
      },
      expect.objectContaining({ action: 'talk', text: 'Per favore, ci dica il suo nome.' }),
      expect.objectContaining({
        action: 'input',
        eventUrl: [`${PUBLIC_BASE_URL}/webhooks/vonage/voice/message?field=name`],
      }),
    ]);
    await vonage.post('event', {
      ...call,
      status: 'completed',
      direction: 'inbound',
      timestamp: new Date().toISOString(),
    });
    expect((await expectFinal(contactId)).state).toBe('abandoned');
  });

  it('Telnyx: a closed queue is spoken then hung up; the maximum wait takes a parked caller out of the queue to the questions', async () => {
    const closedCall = TelnyxClient.call('+393331110003');
    await telnyx.send('call.initiated', closedCall);
    await telnyx.send('call.gather.ended', closedCall, { digits: '3', status: 'valid' });
    const closedId = await contactIdOf('telnyx', closedCall.call_control_id);
    expect((await getContact(service.url, closedId)).state).toBe('closed');
    const spoken = (await telnyx.commandsAtLeast(closedCall, 3)).filter(
      (command) => command.action === 'speak',
    );
    expect(spoken.at(-1)!.body.payload).toMatch(/^I nostri uffici sono chiusi.*Arrivederci\.$/);
    expect(TelnyxClient.clientState(spoken.at(-1)!)).toEqual([closedId, 'hangup']);
    await telnyx.send('call.speak.ended', closedCall, { client_state: spoken.at(-1)!.body.client_state });
    await eventually(() => (telnyx.commands(closedCall).at(-1)?.action === 'hangup' ? true : undefined));
    await telnyx.send('call.hangup', closedCall, { hangup_cause: 'normal_clearing' });
    expect((await expectFinal(closedId)).state).toBe('closed');

    const call = TelnyxClient.call('+393331110004');
    await telnyx.send('call.initiated', call);
    await telnyx.send('call.gather.ended', call, { digits: '0', status: 'valid' });
    const contactId = await contactIdOf('telnyx', call.call_control_id);
    expect(telnyx.commands(call).map((command) => command.action)).toContain('enqueue');
    await waitForState(service.url, contactId, 'messaging', 15_000);
    // Sent by the timer's worker after the move: wait for the whole sequence.
    const diverted = await eventually(() => {
      const commands = telnyx.commands(call);
      const after = commands.slice(commands.findIndex((command) => command.action === 'leave_queue'));
      return after[0]?.action === 'leave_queue' &&
        after.some((command) => command.action === 'transcription_start')
        ? after
        : undefined;
    });
    expect(diverted[0]!.action).toBe('leave_queue');
    const speak = diverted.filter((command) => command.action === 'speak');
    expect(speak.map((command) => command.body.payload)).toEqual([
      'Tutti i nostri operatori sono occupati. Lasci un messaggio e la richiameremo.',
      'Per favore, ci dica il suo nome.',
    ]);
    await telnyx.send('call.hangup', call, { hangup_cause: 'normal_clearing' });
    expect((await expectFinal(contactId)).state).toBe('abandoned');
  });

  it('reports count the contacts the rules ended closed, per queue, as in the database', async () => {
    const started = callStarted({ digits: '3' });
    expect((await postGenericWebhook(service.url, started)).body).toMatchObject({ state: 'closed' });
    const closedSales = (await service.running.app.get(ContactRepository).listByState('closed')).filter(
      (contact) => contact.problemType === 'sales',
    );
    expect(closedSales.length).toBeGreaterThanOrEqual(1);
    const { token } = await OperatorClient.login(service.url, 'sara');
    const response = await fetch(
      `${service.url}/reports/intervals?from=${romeDate(0)}&to=${romeDate(1)}&interval=1d&groupBy=queue`,
      { headers: { authorization: `Bearer ${token}` } },
    );
    expect(response.status).toBe(200);
    const body = (await response.json()) as {
      rows: { key: string; offered: number; closed: number; abandoned: number; answered: number }[];
      total: { closed: number };
    };
    const sales = body.rows.filter((row) => row.key === 'sales');
    expect(sales.reduce((sum, row) => sum + row.closed, 0)).toBe(closedSales.length);
    expect(sales.reduce((sum, row) => sum + row.abandoned + row.answered, 0)).toBe(0);
    expect(body.total.closed).toBeGreaterThanOrEqual(closedSales.length);
  });

  it('Twilio SMS: out of hours the text itself is the message (one, also on a retry); a closed queue texts when it opens', async () => {
    const sms = (body: string) => ({
      MessageSid: `SM${randomBytes(16).toString('hex')}`,
      AccountSid: TWILIO_ACCOUNT_SID,
      From: '+393339990001',
      To: '+390200000000',
      Body: body,
      NumMedia: '0',
    });
    const invoice = sms('la fattura 118 ha un importo sbagliato');
    const reply = await twilio.post('/webhooks/twilio/messaging', invoice);
    expect(reply.status).toBe(200);
    const expected =
      'I nostri uffici sono chiusi in questo momento. Il suo messaggio è stato registrato: la ricontatteremo a questo numero.';
    expect(TwilioClient.messages(reply)).toEqual([expected]);
    const retried = await twilio.post('/webhooks/twilio/messaging', invoice);
    expect(TwilioClient.messages(retried)).toEqual([expected]);
    const contactId = await contactIdOf('twilio', invoice.MessageSid);
    expect((await expectFinal(contactId)).state).toBe('message_taken');
    const mine = (await inbox('accounting')).filter((message) => message.contactId === contactId);
    expect(mine).toMatchObject([
      {
        source: 'out_of_hours',
        caller: { address: '+393339990001' },
        text: 'la fattura 118 ha un importo sbagliato',
      },
    ]);

    const quote = sms('3');
    const closed = await twilio.post('/webhooks/twilio/messaging', { ...quote, From: '+393339990002' });
    expect(TwilioClient.messages(closed)).toEqual([
      expect.stringMatching(
        /^I nostri uffici sono chiusi in questo momento\. Riapriamo .+ alle ore 00:00\. Arrivederci\.$/,
      ),
    ]);
    expect((await expectFinal(await contactIdOf('twilio', quote.MessageSid))).state).toBe('closed');
  });

  it('the maximum wait overflows to another queue keeping the original enqueue time: ahead of a younger contact there', async () => {
    const repository = service.running.app.get(ContactRepository);
    const flow = service.running.app.get(ContactFlowService);
    const older = callStarted({ digits: '5' });
    const olderId = (await postGenericWebhook(service.url, older)).body.contactId as string;
    // The younger one calls complaints directly, while the older one waits in warranty.
    const younger = callStarted({ digits: '6' });
    const youngerId = (await postGenericWebhook(service.url, younger)).body.contactId as string;

    // The move is two steps (the job joins the line, then is placed by age): wait for the second, which
    // never comes if the contact is not placed ahead of the younger one.
    const moved = await eventually(async () => {
      const contact = await repository.findById(olderId);
      return contact?.problemType === 'complaints' && (await flow.position(contact)) === 1
        ? contact
        : undefined;
    });
    expect(moved.state).toBe('queued');
    expect(await flow.position(moved)).toBe(1);
    expect(await flow.position((await repository.findById(youngerId))!)).toBe(2);
    const view = await getContact(service.url, olderId);
    expect(view.queuedAt).toBe(view.events.find((event) => event.type === 'queued')!.at);
    const note = view.events.find((event) => event.type === 'note')!;
    // It moved after the younger one was already waiting there, and still went first.
    expect(Date.parse(note.at)).toBeGreaterThan(
      Date.parse((await getContact(service.url, youngerId)).queuedAt!),
    );
    expect(note.data).toMatchObject({
      kind: 'overflow',
      from: 'warranty',
      to: 'complaints',
      reason: 'max_wait',
    });
    for (const call of [older, younger]) await postGenericWebhook(service.url, callEnded(call.callId));
    await expectFinal(olderId);
    await expectFinal(youngerId);
  });

  it('the supervisors see which queues are closed and when they open', async () => {
    const sara = await SupervisorClient.connect(service.url, 'sara');
    try {
      const snapshot = await sara.until((next) => next.queues.length > 0);
      const sales = sara.queue(snapshot, 'sales');
      expect(sales.open).toBe(false);
      const opening = new Date(sales.nextOpening!);
      expect(new Intl.DateTimeFormat('en-CA', { timeZone: ROME }).format(opening)).toBe(romeDate(2));
      expect(sara.queue(snapshot, 'reception')).toMatchObject({ open: true, nextOpening: null });
    } finally {
      sara.close();
    }
  });
});
