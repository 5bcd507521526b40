import { Queue } from 'bullmq';
import { Client } from 'pg';
import { DepartmentMessageSink } from '@centralino/contacts';
import { DatabaseService } from '@centralino/persistence';
import { PRIVACY_QUEUE } from '@centralino/queueing';
import { runAdminCli } from '../support/admin-cli';
import { callEnded, callStarted } from '../support/calls';
import { ChatCustomer } from '../support/chat-customer';
import { getContact, waitForState } from '../support/contacts-api';
import { writeFixtureConfig } from '../support/fixture-config';
import { OperatorClient } from '../support/operator-client';
import { bearer, requestJson, withStaff } from '../support/staff';
import { startTestService, TestService } from '../support/test-service';
import { postGenericWebhook } from '../support/webhook-client';

const CALLER = '+393335550001';
const OTHER = '+393335550002';
const NAME = 'Paolo Verdi';

/** Every row of the tables that hold callers' data, as text, to look for what must be gone. */
async function dump(databaseUrl: string, except?: string): Promise<string> {
  const client = new Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const tables = ['contacts', 'contact_events', 'department_messages', 'department_message_notes'];
    const more = ['chat_messages', 'chat_conversations', 'webhook_receipts', 'audit_entries'];
    const rows = await Promise.all(
      [...tables, ...more].map(async (table) =>
        (await client.query(`SELECT row_to_json(t)::text AS row FROM ${table} t`)).rows
          .map((row: { row: string }) => row.row)
          .filter((row) => !except || !row.includes(except))
          .join('\n'),
      ),
    );
    return rows.join('\n');
  } finally {
    await client.end();
  }
}

function day(offsetDays: number): string {
  return new Date(Date.now() + offsetDays * 86_400_000).toISOString().slice(0, 10);
}

describe('Privacy: erasing one caller on request', () => {
  let service: TestService;
  let admin: Record<string, string>;
  let supervisor: Record<string, string>;
  const contacts: string[] = [];
  let otherContact = '';
  let conversationId = '';

  beforeAll(async () => {
    service = await startTestService('postgres', { FRONT_OFFICE_CONFIG: writeFixtureConfig(withStaff) });
    admin = await bearer(service.url, 'root');
    supervisor = await bearer(service.url, 'sara');

    // 1. A call answered by anna, with what the caller said and an operator note, completed.
    const anna = await OperatorClient.connect(service.url, 'anna');
    await anna.available();
    const firstCall = callStarted({ from: CALLER, speech: `sono ${NAME}, ho un problema con la fattura` });
    const first = await postGenericWebhook(service.url, firstCall);
    const firstId = first.body.contactId as string;
    contacts.push(firstId);
    const offer = await anna.next('offer', (payload) => payload.contactId === firstId);
    expect((await anna.send('offer.accept', { offerId: offer.offerId })).ok).toBe(true);
    const note = await anna.send('contact.note', {
      contactId: firstId,
      clientId: 'n1',
      text: `${NAME} wants invoice 118 sent to paolo@example.com`,
    });
    expect(note.ok).toBe(true);
    await postGenericWebhook(service.url, callEnded(firstCall.callId, 'completed'));
    await waitForState(service.url, firstId, 'completed');
    anna.close();

    // 2. The same caller again: hangs up while waiting, and a message is taken for accounting.
    const secondCall = callStarted({ from: CALLER, digits: '1' });
    const second = await postGenericWebhook(service.url, secondCall);
    const secondId = second.body.contactId as string;
    contacts.push(secondId);
    await postGenericWebhook(service.url, callEnded(secondCall.callId));
    await waitForState(service.url, secondId, 'abandoned');
    await service.running.app.get(DepartmentMessageSink).accept({
      contactId: secondId,
      source: 'out_of_hours',
      recipientId: null,
      callerAddress: CALLER,
      callerName: NAME,
      callbackAddress: CALLER,
      problemType: 'billing',
      language: 'it',
      text: `Please call ${NAME} back about invoice 118`,
      urgency: 'normal',
      takenAt: new Date(),
    } as never);

    // 3. Another caller, who keeps their data.
    const otherCall = callStarted({ from: OTHER, digits: '1' });
    const other = await postGenericWebhook(service.url, otherCall);
    otherContact = other.body.contactId as string;
    await postGenericWebhook(service.url, callEnded(otherCall.callId));
    await waitForState(service.url, otherContact, 'abandoned');

    // 4. The caller also chatted, giving their name; the chat ended.
    const chat = await ChatCustomer.connect(service.url);
    await chat.start({ language: 'it', name: NAME });
    conversationId = chat.conversationId;
    expect((await chat.say(`Buongiorno, sono ${NAME}: la fattura 118 è sbagliata`)).ok).toBe(true);
    expect((await chat.send('chat.end', {})).ok).toBe(true);
    chat.close();
  }, 120_000);

  afterAll(async () => {
    await service?.stop();
  });

  const report = async () => {
    const response = await requestJson(
      service.url,
      'GET',
      `/reports/intervals?from=${day(-1)}&to=${day(2)}&interval=1d&groupBy=queue`,
      supervisor,
    );
    expect(response.status).toBe(200);
    return { rows: response.body.rows, total: response.body.total };
  };

  it("erases the caller's number, name, transcripts and message texts; report figures are the same", async () => {
    const before = await report();
    expect(before.total.offered).toBeGreaterThanOrEqual(3);
    expect(before.total.answered).toBeGreaterThanOrEqual(1);
    const historyBefore = await requestJson(
      service.url,
      'GET',
      `/reports/callers/${encodeURIComponent(CALLER)}/history`,
      supervisor,
    );
    expect(historyBefore.body.contacts).toHaveLength(2);
    const dumped = await dump(service.databaseUrl!);
    expect(dumped).toContain('3335550001');
    expect(dumped).toContain(NAME);

    const erased = await requestJson(service.url, 'POST', '/admin/privacy/erase', admin, { address: CALLER });
    expect(erased.status).toBe(200);
    expect(erased.body).toMatchObject({
      caller: '+39***001',
      contacts: 2,
      departmentMessages: 1,
      activeContacts: 0,
      events: expect.any(Number),
    });
    expect(erased.body.events).toBeGreaterThanOrEqual(8);

    // The same figures, to the last second of waiting.
    expect(await report()).toEqual(before);

    // Nothing left: not the number (in any table), not the name, not what was said or written.
    // (The chat's rows aside: its address is not the phone number; it is erased in the next test.)
    const after = await dump(service.databaseUrl!, conversationId);
    expect(after).not.toContain('3335550001');
    expect(after).not.toMatch(/Paolo|fattura|invoice 118|paolo@example/);
    // The other caller is untouched.
    expect(after).toContain('3335550002');
    const historyAfter = await requestJson(
      service.url,
      'GET',
      `/reports/callers/${encodeURIComponent(CALLER)}/history`,
      supervisor,
    );
    expect(historyAfter.body.contacts).toEqual([]);
    expect(historyAfter.body.messages ?? []).toEqual([]);

    // The contacts are still there, with their journey.
    const contact = await getContact(service.url, contacts[0]!);
    expect(contact.state).toBe('completed');
    expect(contact.events.map((event) => event.type)).toEqual(
      expect.arrayContaining(['received', 'triaged', 'queued', 'offered', 'connected', 'completed']),
    );
    expect(JSON.stringify(contact)).not.toMatch(/Paolo|fattura|3335550001/);

    const audit = await requestJson(service.url, 'GET', '/admin/audit?action=privacy.erase', admin);
    expect(audit.body.entries).toEqual([
      expect.objectContaining({ actor: 'root', target: 'caller:+39***001' }),
    ]);
    expect(JSON.stringify(audit.body)).not.toContain('3335550001');

    // Erasing again finds nothing more.
    const again = await requestJson(service.url, 'POST', '/admin/privacy/erase', admin, { address: CALLER });
    expect(again.body).toMatchObject({ contacts: 0, departmentMessages: 0 });
  });

  it('erases a chat transcript from the CLI, figures unchanged', async () => {
    const address = `webchat:${conversationId}`;
    const before = await report();
    const result = await runAdminCli(service.env, ['privacy', 'erase', address]);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({ contacts: 1 });
    expect(JSON.parse(result.stdout).chatMessages).toBeGreaterThanOrEqual(2);
    expect(await report()).toEqual(before);
    const after = await dump(service.databaseUrl!);
    expect(after).not.toContain(NAME);
    expect(after).not.toContain('Paolo');
    const audit = await requestJson(service.url, 'GET', '/admin/audit?action=privacy.erase&actor=cli', admin);
    expect(audit.body.entries).toHaveLength(1);
  });

  it('refuses bad requests and non-admins', async () => {
    const bad = await requestJson(service.url, 'POST', '/admin/privacy/erase', admin, { phone: CALLER });
    expect(bad.status).toBe(400);
    expect(bad.body.error).toBe('validation_failed');
    const operator = await bearer(service.url, 'anna');
    expect(
      (await requestJson(service.url, 'POST', '/admin/privacy/erase', operator, { address: OTHER })).status,
    ).toBe(403);
    expect(
      (await requestJson(service.url, 'POST', '/admin/privacy/erase', supervisor, { address: OTHER })).status,
    ).toBe(403);
    expect((await getContact(service.url, otherContact)).events[0]).toBeDefined();
  });
});

describe('Privacy: the retention period, enforced by a repeatable job', () => {
  let service: TestService;

  beforeAll(async () => {
    service = await startTestService('pglite', {
      FRONT_OFFICE_CONFIG: writeFixtureConfig(withStaff),
      PRIVACY_RETENTION_DAYS: '30',
      PRIVACY_SWEEP_INTERVAL_SECONDS: '1',
    });
  }, 120_000);

  afterAll(async () => {
    await service?.stop();
  });

  it('erases contacts that ended before the period, and only those', async () => {
    const ended: string[] = [];
    for (const from of ['+393337770001', '+393337770002']) {
      const call = callStarted({ from, speech: 'la mia fattura' });
      const started = await postGenericWebhook(service.url, call);
      await postGenericWebhook(service.url, callEnded(call.callId));
      ended.push(started.body.contactId as string);
      await waitForState(service.url, started.body.contactId as string, 'abandoned');
    }
    // The first one ended 31 days ago.
    const database = service.running.app.get(DatabaseService);
    await database.transaction((manager) =>
      manager.query(`UPDATE contacts SET ended_at = now() - interval '31 days' WHERE id = $1`, [ended[0]]),
    );

    const fromAddress = async (id: string) =>
      database.read(async (manager) => {
        const rows = (await manager.query(`SELECT from_address, erased_at FROM contacts WHERE id = $1`, [
          id,
        ])) as { from_address: string; erased_at: Date | null }[];
        return rows[0]!;
      });
    const deadline = Date.now() + 30_000;
    while ((await fromAddress(ended[0]!)).erased_at === null && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    expect(await fromAddress(ended[0]!)).toMatchObject({
      from_address: 'erased',
      erased_at: expect.any(Date),
    });
    expect(await fromAddress(ended[1]!)).toMatchObject({ from_address: '+393337770002', erased_at: null });
    const old = await getContact(service.url, ended[0]!);
    expect(JSON.stringify(old)).not.toMatch(/fattura/);
    const recent = await getContact(service.url, ended[1]!);
    expect(JSON.stringify(recent)).toMatch(/fattura/);

    // One scheduler, repeating every PRIVACY_SWEEP_INTERVAL_SECONDS.
    const queue = new Queue(PRIVACY_QUEUE, {
      connection: { url: process.env.CENTRALINO_TEST_REDIS_URL },
      prefix: `${service.redisPrefix}:bull`,
    });
    try {
      const schedulers = await queue.getJobSchedulers();
      expect(schedulers).toEqual([expect.objectContaining({ key: 'retention-sweep', every: 1000 })]);
    } finally {
      await queue.close();
    }
    const admin = await bearer(service.url, 'root');
    const audit = await requestJson(service.url, 'GET', '/admin/audit?action=privacy.retention', admin);
    expect(audit.body.entries[0]).toMatchObject({ actor: 'system', details: { contacts: 1 } });
  });
});
