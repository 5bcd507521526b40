import { randomUUID } from 'node:crypto';
import { Queue } from 'bullmq';
import { MessageDeliveryService } from '@centralino/back-office';
import { DepartmentMessageSink, TakenMessage } from '@centralino/contacts';
import { DatabaseService } from '@centralino/persistence';
import { DELIVERIES_QUEUE, QueueRegistry } from '@centralino/queueing';
import { backOfficeFixture, TestSmtpServer, WebhookReceiver } from '../support/back-office';
import { callStarted } from '../support/calls';
import { OperatorClient } from '../support/operator-client';
import { startTestService, TestService } from '../support/test-service';
import { postGenericWebhook } from '../support/webhook-client';

const SECRET = 'whsec_department_0123456789abcdef';
const ROME = 'Europe/Rome';

/** Open at all hours except yesterday, today and tomorrow (holidays in Rome): closed whenever it runs. */
function closedNow() {
  const day = (offset: number) =>
    new Intl.DateTimeFormat('en-CA', { timeZone: ROME }).format(new Date(Date.now() + offset * 86_400_000));
  return {
    timezone: ROME,
    weekly: Object.fromEntries(
      ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'].map((name) => [name, [['00:00', '23:59']]]),
    ),
    holidays: [day(-1), day(0), day(1)],
  };
}
const CALLER = '+393331112233';

interface Api {
  status: number;
  body: Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- JSON under test
}

describe('department messages: inbox, signed webhook, e-mail and dead letters', () => {
  let service: TestService;
  let receiver: WebhookReceiver;
  let smtp: TestSmtpServer;
  const tokens: Record<string, string> = {};

  beforeAll(async () => {
    [receiver, smtp] = await Promise.all([WebhookReceiver.start(SECRET), TestSmtpServer.start()]);
    const config = backOfficeFixture(
      {
        accounting: {
          webhook: { url: receiver.url('/accounting'), secret: SECRET },
          email: ['accounting@acme.test', 'maria@acme.test'],
        },
        warehouse: { webhook: { url: receiver.url('/warehouse'), secret: SECRET } },
      },
      (front) => {
        // Claims (digit 7) are closed now: out of hours the caller leaves a message for accounting.
        (front.problemTypes as Record<string, unknown>[]).push({
          id: 'claims',
          name: { en: 'Claims', it: 'Sinistri' },
          digit: '7',
          businessHours: closedNow(),
          outOfHours: { action: 'message', department: 'accounting' },
        });
      },
    );
    service = await startTestService('pglite', {
      FRONT_OFFICE_CONFIG: config,
      SMTP_HOST: '127.0.0.1',
      SMTP_PORT: String(smtp.port),
      SMTP_FROM: 'centralino <switchboard@acme.test>',
      DELIVERY_ATTEMPTS: '3',
      DELIVERY_BACKOFF_MS: '200',
    });
    for (const username of ['anna', 'bruno', 'sara', 'root']) {
      tokens[username] = (await OperatorClient.login(service.url, username)).token;
    }
  }, 60_000);

  afterAll(async () => {
    await service?.stop();
    await receiver?.stop();
    await smtp?.stop();
  });

  async function api(username: string, method: 'GET' | 'POST', path: string, body?: unknown): Promise<Api> {
    const response = await fetch(`${service.url}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${tokens[username]}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: response.status, body: (await response.json()) as Api['body'] };
  }

  async function newContact(from = CALLER): Promise<string> {
    const started = await postGenericWebhook(service.url, callStarted({ from, digits: '1' }));
    expect(started.status).toBe(200);
    return started.body.contactId as string;
  }

  async function waitForDelivery(messageId: string, channel: string, status: string, timeoutMs = 15_000) {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const { body } = await api('sara', 'GET', `/messages/${messageId}`);
      const delivery = (body.deliveries as { channel: string; status: string }[]).find(
        (d) => d.channel === channel,
      );
      if (delivery?.status === status) return delivery as Record<string, unknown>;
      if (Date.now() > deadline) throw new Error(`${channel} delivery is ${delivery?.status}, not ${status}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  it('a message taken out of hours reaches the inbox, the signed webhook and the e-mail, once', async () => {
    const contactId = await newContact();
    const message: TakenMessage = {
      contactId,
      source: 'out_of_hours',
      recipientId: 'maria-rossi',
      callerAddress: CALLER,
      callerName: 'Paolo Verdi',
      callbackAddress: '+393339998877',
      problemType: 'billing',
      language: 'it',
      text: 'Please call me back about invoice 2026/118.',
      urgency: 'urgent',
      takenAt: new Date(),
    };
    // The out-of-hours flow hands the message over through the port; it retries, so twice.
    const sink = service.running.app.get(DepartmentMessageSink);
    await sink.accept(message);
    await sink.accept(message);

    const inbox = await api('anna', 'GET', '/messages?department=accounting');
    expect(inbox.status).toBe(200);
    const mine = (inbox.body.messages as { contactId: string }[]).filter((m) => m.contactId === contactId);
    expect(mine).toHaveLength(1);
    expect(mine[0]).toMatchObject({
      department: 'accounting',
      departmentName: 'Accounting',
      recipientId: 'maria-rossi',
      recipientName: 'Maria Rossi',
      caller: { name: 'Paolo Verdi', address: CALLER, callbackAddress: '+393339998877' },
      problemType: 'billing',
      text: 'Please call me back about invoice 2026/118.',
      urgency: 'urgent',
      source: 'out_of_hours',
      status: 'new',
    });
    const messageId = (mine[0] as unknown as { id: string }).id;

    // The department's receiver gets it, signed with the department's secret.
    const [hook] = await receiver.waitFor((h) => h.path === '/accounting' && h.body.deliveryId !== undefined);
    expect(hook.signatureValid).toBe(true);
    expect(hook.headers['centralino-event']).toBe('department_message.created');
    expect(hook.body).toMatchObject({
      event: 'department_message.created',
      message: {
        id: messageId,
        contactId,
        department: 'accounting',
        recipientName: 'Maria Rossi',
        caller: { address: CALLER, callbackAddress: '+393339998877' },
        urgency: 'urgent',
        inboxUrl: expect.stringMatching(new RegExp(`/inbox#${messageId}$`)) as unknown,
      },
    });

    // ... and the e-mail reaches the test's SMTP server.
    const mail = await smtp.waitFor((m) => m.raw.includes(messageId));
    expect(mail.from).toBe('switchboard@acme.test');
    expect(mail.to.sort()).toEqual(['accounting@acme.test', 'maria@acme.test']);
    expect(mail.raw).toMatch(/^Subject: URGENT: Message for Maria Rossi from Paolo Verdi/m);
    expect(mail.raw).toContain('invoice 2026/118');

    const webhook = await waitForDelivery(messageId, 'webhook', 'delivered');
    expect(webhook).toMatchObject({ attempts: 1, lastError: null });
    await waitForDelivery(messageId, 'email', 'delivered');
    // The duplicate hand-over delivered nothing twice.
    expect(
      receiver.received.filter((h) => (h.body.message as { contactId?: string }).contactId === contactId),
    ).toHaveLength(1);
    expect(smtp.received.filter((m) => m.raw.includes(messageId))).toHaveLength(1);
  }, 30_000);

  it('a caller of a closed queue leaves a message by voice: it reaches the inbox, the signed webhook and the e-mail', async () => {
    const from = '+393334445566';
    const started = callStarted({ digits: '7', from });
    const reply = await postGenericWebhook(service.url, started);
    expect(reply.body).toMatchObject({ state: 'messaging', queue: 'claims' });
    const contactId = reply.body.contactId as string;
    const input = (field: string, answer: Record<string, string>) =>
      postGenericWebhook(service.url, {
        id: `evt_${randomUUID()}`,
        type: 'call.input',
        callId: started.callId,
        field,
        ...answer,
      });
    await input('name', { speech: 'Carla Neri' });
    await input('text', { speech: 'il rimborso del sinistro 42 non è arrivato' });
    const done = await input('callback', { digits: '0698765432' });
    expect(done.body).toMatchObject({ state: 'message_taken' });

    const inbox = await api('anna', 'GET', '/messages?department=accounting');
    const mine = (inbox.body.messages as { id: string; contactId: string }[]).filter(
      (m) => m.contactId === contactId,
    );
    expect(mine).toHaveLength(1);
    expect(mine[0]).toMatchObject({
      source: 'out_of_hours',
      department: 'accounting',
      caller: { name: 'Carla Neri', address: from },
      problemType: 'claims',
      text: 'il rimborso del sinistro 42 non è arrivato',
    });
    const messageId = mine[0]!.id;
    const [hook] = await receiver.waitFor(
      (h) => (h.body.message as { id?: string } | undefined)?.id === messageId,
    );
    expect(hook.signatureValid).toBe(true);
    expect(hook.body).toMatchObject({
      event: 'department_message.created',
      message: { contactId, caller: { address: from }, department: 'accounting' },
    });
    const mail = await smtp.waitFor((m) => m.raw.includes(messageId));
    expect(mail.to.sort()).toEqual(['accounting@acme.test', 'maria@acme.test']);
    expect(mail.raw).toMatch(/^Subject: Message for Accounting from Carla Neri/m);
    expect(mail.raw).toContain('sinistro 42');
    await waitForDelivery(messageId, 'webhook', 'delivered');
    await waitForDelivery(messageId, 'email', 'delivered');
  });

  it('the inbox assigns, records reply notes and closes, for its members and supervisors only', async () => {
    const contactId = await newContact('+393330000001');
    const taken = await api('anna', 'POST', '/messages', {
      contactId,
      recipientId: 'accounting',
      text: 'Wants to know when the refund arrives.',
    });
    expect(taken.status).toBe(200);
    expect(taken.body).toMatchObject({
      duplicate: false,
      message: { status: 'new', source: 'operator', takenBy: 'anna' },
    });
    const id = taken.body.message.id as string;
    const again = await api('anna', 'POST', '/messages', {
      contactId,
      recipientId: 'accounting',
      text: 'again',
    });
    expect(again.body).toMatchObject({
      duplicate: true,
      message: { id, text: 'Wants to know when the refund arrives.' },
    });

    // bruno works the warehouse, not accounting.
    expect((await api('bruno', 'GET', `/messages/${id}`)).status).toBe(403);
    expect((await api('bruno', 'GET', '/messages?department=accounting')).status).toBe(403);
    const brunos = await api('bruno', 'GET', '/messages');
    expect((brunos.body.messages as { id: string }[]).map((m) => m.id)).not.toContain(id);
    expect((await api('bruno', 'POST', `/messages/${id}/notes`, { text: 'mine?' })).status).toBe(403);
    expect((await api('sara', 'GET', `/messages/${id}`)).status).toBe(200);
    const annasInboxes = await api('anna', 'GET', '/messages/inboxes');
    expect(annasInboxes.body.inboxes).toEqual([
      { id: 'reception', name: 'Reception', assignees: [] },
      {
        id: 'accounting',
        name: 'Accounting',
        assignees: [
          { id: 'anna', name: 'Anna' },
          { id: 'maria-rossi', name: 'Maria Rossi' },
        ],
      },
    ]);

    const assigned = await api('anna', 'POST', `/messages/${id}/assign`, { assignee: 'maria-rossi' });
    expect(assigned.status).toBe(200);
    expect(assigned.body).toMatchObject({
      status: 'assigned',
      assignee: { id: 'maria-rossi', name: 'Maria Rossi' },
    });
    expect((await api('anna', 'POST', `/messages/${id}/assign`, { assignee: 'nobody' })).status).toBe(400);

    const replied = await api('anna', 'POST', `/messages/${id}/notes`, {
      text: 'Called back: refund on Friday.',
    });
    expect(replied.status).toBe(200);
    expect(replied.body.status).toBe('answered');
    expect(replied.body.answeredAt).toEqual(expect.any(String));
    expect(replied.body.notes).toEqual([
      {
        author: { id: expect.any(String), name: 'Anna' },
        text: 'Called back: refund on Friday.',
        at: expect.any(String),
      },
    ]);
    expect((await api('anna', 'POST', `/messages/${id}/notes`, { text: '   ' })).status).toBe(400);

    const answered = await api('anna', 'GET', '/messages?department=accounting&status=answered');
    expect((answered.body.messages as { id: string }[]).map((m) => m.id)).toContain(id);
    const newOnes = await api('anna', 'GET', '/messages?department=accounting&status=new');
    expect((newOnes.body.messages as { id: string }[]).map((m) => m.id)).not.toContain(id);
    const urgentOnes = await api('anna', 'GET', '/messages?department=accounting&urgency=urgent');
    expect((urgentOnes.body.messages as { id: string }[]).map((m) => m.id)).not.toContain(id);
    const tomorrow = new Date(Date.now() + 86_400_000).toISOString();
    const future = await api(
      'anna',
      'GET',
      `/messages?department=accounting&from=${encodeURIComponent(tomorrow)}`,
    );
    expect(future.body.messages).toEqual([]);
    const today = await api(
      'anna',
      'GET',
      `/messages?department=accounting&to=${encodeURIComponent(tomorrow)}`,
    );
    expect((today.body.messages as { id: string }[]).map((m) => m.id)).toContain(id);
    const bad = await api('anna', 'GET', '/messages?status=finished');
    expect(bad.status).toBe(400);
    expect(bad.body.error).toBe('validation_failed');

    const done = await api('anna', 'POST', `/messages/${id}/done`, {});
    expect(done.body).toMatchObject({ status: 'done', doneAt: expect.any(String) });
    expect((await api('anna', 'POST', `/messages/${id}/assign`, { assignee: 'anna' })).status).toBe(409);

    // The console's lookup when the same caller calls again: status, no content.
    const previous = await api(
      'bruno',
      'GET',
      `/messages/by-caller?address=${encodeURIComponent('+393330000001')}`,
    );
    expect(previous.status).toBe(200);
    expect(previous.body.messages).toEqual([
      expect.objectContaining({ id, department: 'accounting', departmentName: 'Accounting', status: 'done' }),
    ]);
    expect(previous.body.messages[0].text).toBeUndefined();
    // ... and by the contact being handled: the caller's earlier messages, not this contact's own.
    const callingAgain = await newContact('+393330000001');
    const forNewCall = await api('bruno', 'GET', `/messages/previous?contactId=${callingAgain}`);
    expect(forNewCall.body.messages).toEqual([expect.objectContaining({ id, status: 'done' })]);
    const forSameCall = await api('bruno', 'GET', `/messages/previous?contactId=${contactId}`);
    expect(forSameCall.body.messages).toEqual([]);
  }, 30_000);

  it('refuses bad hand-overs with 4xx', async () => {
    expect(
      (
        await api('anna', 'POST', '/messages', {
          contactId: '6c1f7f5e-8d0a-4f7e-9a52-0d3b1c2e4f60',
          text: 'x',
        })
      ).status,
    ).toBe(404);
    expect((await api('anna', 'POST', '/messages', { contactId: 'nope', text: 'x' })).status).toBe(400);
    expect((await api('anna', 'POST', '/messages', { contactId: await newContact(), text: '' })).status).toBe(
      400,
    );
    expect((await api('anna', 'GET', '/messages/6c1f7f5e-8d0a-4f7e-9a52-0d3b1c2e4f60')).status).toBe(404);
    const anonymous = await fetch(`${service.url}/messages`);
    expect(anonymous.status).toBe(401);
  });

  it('a failing webhook is retried with backoff, dead-lettered, listed for admins and re-driven', async () => {
    receiver.statusByPath.set('/warehouse', 500);
    const contactId = await newContact('+393330000002');
    const taken = await api('bruno', 'POST', '/messages', {
      contactId,
      recipientId: 'warehouse',
      text: 'Parcel damaged.',
    });
    expect(taken.status).toBe(200);
    const id = taken.body.message.id as string;

    const attempts = await receiver.waitFor((h) => (h.body.message as { id?: string }).id === id, 3);
    expect(attempts.every((a) => a.signatureValid && a.answered === 500)).toBe(true);
    // Exponential backoff: 200 ms, then 400 ms (lower bounds only).
    expect(attempts[1].at - attempts[0].at).toBeGreaterThanOrEqual(180);
    expect(attempts[2].at - attempts[1].at).toBeGreaterThanOrEqual(380);
    const dead = await waitForDelivery(id, 'webhook', 'dead');
    expect(dead).toMatchObject({ attempts: 3, lastError: 'The webhook answered HTTP 500' });

    expect((await api('bruno', 'GET', '/admin/deliveries')).status).toBe(403);
    expect((await api('sara', 'GET', '/admin/deliveries')).status).toBe(403);
    const list = await api('root', 'GET', '/admin/deliveries');
    expect(list.status).toBe(200);
    const letter = (list.body.deliveries as { messageId: string }[]).find((d) => d.messageId === id);
    expect(letter).toMatchObject({
      channel: 'webhook',
      department: 'warehouse',
      target: receiver.url('/warehouse'),
      status: 'dead',
      attempts: 3,
      lastError: 'The webhook answered HTTP 500',
      deadAt: expect.any(String),
    });
    expect(JSON.stringify(list.body)).not.toContain(SECRET);

    // The department's system is fixed: the admin re-drives the dead letter.
    receiver.statusByPath.set('/warehouse', 204);
    const deliveryId = (letter as unknown as { id: string }).id;
    const redriven = await api('root', 'POST', `/admin/deliveries/${deliveryId}/redrive`);
    expect(redriven.status).toBe(200);
    expect(redriven.body).toMatchObject({ status: 'pending', attempts: 0, redrives: 1 });
    await waitForDelivery(id, 'webhook', 'delivered');
    expect((await api('root', 'POST', `/admin/deliveries/${deliveryId}/redrive`)).status).toBe(409);
    const after = await api('root', 'GET', '/admin/deliveries?status=dead');
    expect((after.body.deliveries as { id: string }[]).map((d) => d.id)).not.toContain(deliveryId);
    expect(receiver.received.filter((h) => (h.body.message as { id?: string }).id === id)).toHaveLength(4);
  }, 30_000);
});

describe('department messages on PostgreSQL: concurrent hand-overs of one contact', () => {
  let service: TestService;
  let receiver: WebhookReceiver;

  beforeAll(async () => {
    receiver = await WebhookReceiver.start(SECRET);
    service = await startTestService('postgres', {
      FRONT_OFFICE_CONFIG: backOfficeFixture({
        accounting: { webhook: { url: receiver.url('/accounting'), secret: SECRET } },
      }),
    });
  }, 60_000);

  afterAll(async () => {
    await service?.stop();
    await receiver?.stop();
  });

  it('stores one message and delivers it once, however many hand-overs race', async () => {
    const started = await postGenericWebhook(service.url, callStarted({ from: CALLER, digits: '1' }));
    const contactId = started.body.contactId as string;
    const sink = service.running.app.get(DepartmentMessageSink);
    const message: TakenMessage = {
      contactId,
      source: 'overflow',
      recipientId: 'accounting',
      callerAddress: CALLER,
      problemType: 'billing',
      language: 'it',
      text: 'Racing hand-overs.',
      urgency: 'normal',
      takenAt: new Date(),
    };
    await Promise.all(Array.from({ length: 8 }, () => sink.accept(message)));

    const [hook] = await receiver.waitFor(
      (h) => (h.body.message as { contactId?: string }).contactId === contactId,
    );
    expect(hook.signatureValid).toBe(true);
    const { token } = await OperatorClient.login(service.url, 'anna');
    const response = await fetch(`${service.url}/messages?department=accounting`, {
      headers: { authorization: `Bearer ${token}` },
    });
    const { messages } = (await response.json()) as { messages: { contactId: string }[] };
    expect(messages.filter((m) => m.contactId === contactId)).toHaveLength(1);
    // Give a stray second delivery time to show up before counting.
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(
      receiver.received.filter((h) => (h.body.message as { contactId?: string }).contactId === contactId),
    ).toHaveLength(1);
  }, 30_000);

  it('the sweep re-queues a pending delivery whose job was lost', async () => {
    const started = await postGenericWebhook(service.url, callStarted({ from: CALLER, digits: '1' }));
    const contactId = started.body.contactId as string;
    const database = service.running.app.get(DatabaseService);
    // The message is committed but its job never runs (a crash between the two, or Redis lost).
    const queue = new Queue(DELIVERIES_QUEUE, service.running.app.get(QueueRegistry).options());
    await queue.pause();
    try {
      await service.running.app.get(DepartmentMessageSink).accept({
        contactId,
        source: 'voice',
        recipientId: 'accounting',
        callerAddress: CALLER,
        problemType: null,
        language: null,
        text: 'Lost job.',
        urgency: 'normal',
        takenAt: new Date(),
      });
      await queue.obliterate({ force: true });
    } finally {
      await queue.resume();
      await queue.close();
    }
    const statuses = (await database.read((manager) =>
      manager.query(
        `SELECT d.status FROM message_deliveries d JOIN department_messages m ON m.id = d.message_id WHERE m.contact_id = $1`,
        [contactId],
      ),
    )) as { status: string }[];
    expect(statuses).toEqual([{ status: 'pending' }]);

    await service.running.app.get(MessageDeliveryService).sweep();
    const [hook] = await receiver.waitFor(
      (h) => (h.body.message as { contactId?: string }).contactId === contactId,
    );
    expect(hook.signatureValid).toBe(true);
  }, 30_000);
});
