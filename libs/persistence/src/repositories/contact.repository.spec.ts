import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { AppConfig } from '@centralino/config';
import { DomainError } from '@centralino/contacts';
import { MetricsService } from '@centralino/observability';
import { PrivatePostgres } from '@centralino/testing';
import { DatabaseService } from '../database.service';
import { ContactRepository } from './contact.repository';

/**
 * The repository's single-statement writes against both engines: the embedded PGlite (every statement
 * one at a time) and a private PostgreSQL server, where the concurrent moves really race.
 */
describe.each(['pglite', 'postgres'] as const)('ContactRepository on %s', (engine) => {
  const dataDir = mkdtempSync(join(tmpdir(), 'contact-repository-'));
  const postgres = engine === 'postgres' ? new PrivatePostgres() : null;
  let database: DatabaseService;
  let contacts: ContactRepository;

  beforeAll(async () => {
    const databaseUrl = postgres ? await postgres.start() : undefined;
    database = new DatabaseService(
      new AppConfig({
        DATA_DIR: dataDir,
        FRONT_OFFICE_CONFIG: join(__dirname, '../../../../test/fixtures/front-office.test.yaml'),
        ...(databaseUrl ? { DATABASE_URL: databaseUrl } : {}),
      }),
    );
    contacts = new ContactRepository(database, new MetricsService());
    await database.onModuleInit();
  }, 120_000);
  afterAll(async () => {
    await database?.onApplicationShutdown();
    await postgres?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  async function queuedContact(
    options: { fromAddress?: string; receivedAt?: Date; operatorId?: string } = {},
  ): Promise<string> {
    const id = randomUUID();
    const outcome = await contacts.createFromWebhook(
      {
        id,
        channel: 'voice',
        provider: 'generic',
        externalId: `call-${id}`,
        fromAddress: options.fromAddress ?? '+390212345678',
        toAddress: '+390200000000',
        state: 'queued',
        problemType: 'billing',
        language: 'it',
        triage: null,
        operatorId: options.operatorId ?? null,
        receivedAt: options.receivedAt ?? new Date('2026-12-03T10:00:00Z'),
        queuedAt: new Date('2026-12-03T10:00:05Z'),
      },
      [{ type: 'queued', at: new Date('2026-12-03T10:00:05Z') }],
      { provider: 'generic', eventKey: `created-${id}`, response: {} },
    );
    expect(outcome.created).toBe(true);
    return id;
  }

  it('moves a contact, applies the patch and appends the note then the event in order', async () => {
    const id = await queuedContact();
    const operatorId = randomUUID();
    const at = new Date('2026-12-03T10:01:00Z');
    const moved = await contacts.transition(
      id,
      ['queued'],
      'offered',
      { operatorId, callback: { number: '+390211111111', attempts: 0 } as never },
      { offerId: 'o-1' },
      at,
      { kind: 'why', text: 'explains the move' },
    );
    expect(moved).toMatchObject({ id, state: 'offered', operatorId, problemType: 'billing' });
    expect(moved!.receivedAt).toEqual(new Date('2026-12-03T10:00:00Z'));
    expect(moved!.callback).toEqual({ number: '+390211111111', attempts: 0 });
    await expect(contacts.findById(id)).resolves.toEqual(moved);
    const events = await contacts.events(id);
    expect(events.map((event) => [event.type, event.data])).toEqual([
      ['queued', {}],
      ['note', { kind: 'why', text: 'explains the move' }],
      ['offered', { offerId: 'o-1' }],
    ]);
    expect(events[2]!.at).toEqual(at);
    // `noteAfter` (a completion's disposition): the move's event first, then the note, same time.
    await contacts.transition(
      id,
      ['offered'],
      'connected',
      {},
      {},
      at,
      { kind: 'after' },
      { noteAfter: true },
    );
    expect((await contacts.events(id)).slice(3).map((event) => [event.type, event.data])).toEqual([
      ['connected', {}],
      ['note', { kind: 'after' }],
    ]);
  });

  it('records the receipt of the webhook reporting a move in the same statement, moved or not, once', async () => {
    const id = await queuedContact();
    const receipt = (eventKey: string) => ({
      provider: 'generic',
      eventKey: `${eventKey}-${id}`,
      response: { contactId: id },
    });
    const at = new Date('2026-12-03T10:02:00Z');
    const moved = await contacts.transition(id, ['queued'], 'abandoned', { endedAt: at }, {}, at, undefined, {
      receipt: receipt('end'),
    });
    expect(moved?.state).toBe('abandoned');
    await expect(contacts.findReceipt('generic', `end-${id}`)).resolves.toMatchObject({
      contactId: id,
      response: { contactId: id },
    });
    // Not moved (already final): the receipt is written all the same; one already there stays as it is.
    const late = await contacts.transition(id, ['queued'], 'abandoned', {}, {}, at, undefined, {
      receipt: receipt('late'),
    });
    expect(late).toBeNull();
    await expect(contacts.findReceipt('generic', `late-${id}`)).resolves.toMatchObject({ contactId: id });
    await contacts.transition(id, ['queued'], 'abandoned', {}, {}, at, undefined, {
      receipt: { ...receipt('end'), response: { other: true } },
    });
    await expect(contacts.findReceipt('generic', `end-${id}`)).resolves.toMatchObject({
      response: { contactId: id },
    });
    expect((await contacts.events(id)).map((event) => event.type)).toEqual(['queued', 'abandoned']);

    // Moves sent together (one batch): each one's receipt, for its own contact.
    const ids = await Promise.all(Array.from({ length: 5 }, () => queuedContact()));
    await Promise.all(
      ids.map((each) =>
        contacts.transition(each, ['queued'], 'abandoned', {}, {}, at, undefined, {
          receipt: { provider: 'generic', eventKey: `batch-${each}`, response: { contactId: each } },
        }),
      ),
    );
    for (const each of ids) {
      await expect(contacts.findReceipt('generic', `batch-${each}`)).resolves.toMatchObject({
        contactId: each,
        response: { contactId: each },
      });
    }
  });

  it('advances a contact from a webhook once: receipt, patch, history in order; refuses what it must', async () => {
    const id = randomUUID();
    await contacts.createFromWebhook(
      {
        id,
        channel: 'voice',
        provider: 'generic',
        externalId: `call-${id}`,
        fromAddress: '+390212345678',
        toAddress: '+390200000000',
        state: 'received',
        problemType: null,
        language: 'it',
        triage: null,
        operatorId: null,
        receivedAt: new Date('2026-12-03T10:00:00Z'),
      },
      [{ type: 'received', at: new Date('2026-12-03T10:00:00Z') }],
      { provider: 'generic', eventKey: `start-${id}`, response: {} },
    );
    const at = new Date('2026-12-03T10:00:30Z');
    const receipt = (key: string) => ({
      provider: 'generic',
      eventKey: `${key}-${id}`,
      response: { contactId: id },
    });
    // Only logged: the state stays, the patch applies.
    const asked = await contacts.advanceFromWebhook(
      id,
      ['received'],
      [{ type: 'clarifying', at, data: { question: 'which?' } }],
      { language: 'en' },
      receipt('answer-1'),
    );
    expect(asked).toMatchObject({ id, state: 'received', language: 'en' });
    // The same delivery again: nothing more.
    await expect(
      contacts.advanceFromWebhook(id, ['received'], [{ type: 'clarifying', at }], {}, receipt('answer-1')),
    ).resolves.toBeNull();
    // An illegal path from where it is: refused with the state machine's error, nothing written.
    await expect(
      contacts.advanceFromWebhook(id, ['received'], [{ type: 'completed', at }], {}, receipt('bad')),
    ).rejects.toBeInstanceOf(DomainError);
    await expect(contacts.findReceipt('generic', `bad-${id}`)).resolves.toBeNull();
    // State events move it along, in order.
    const queued = await contacts.advanceFromWebhook(
      id,
      ['received'],
      [
        { type: 'triaged', at, data: { problemType: 'billing' } },
        { type: 'queued', at, data: { queue: 'billing' } },
      ],
      { problemType: 'billing', queuedAt: at, triage: { source: 'ivr', decision: 'queue' } as never },
      receipt('answer-2'),
    );
    expect(queued).toMatchObject({
      id,
      state: 'queued',
      problemType: 'billing',
      queuedAt: at,
      language: 'en',
      triage: { source: 'ivr', decision: 'queue' },
    });
    await expect(contacts.findById(id)).resolves.toMatchObject({ state: 'queued', problemType: 'billing' });
    expect((await contacts.events(id)).map((event) => [event.type, event.data])).toEqual([
      ['received', {}],
      ['clarifying', { question: 'which?' }],
      ['triaged', { problemType: 'billing' }],
      ['queued', { queue: 'billing' }],
    ]);
    await expect(contacts.findReceipt('generic', `answer-2-${id}`)).resolves.toMatchObject({ contactId: id });
    // No longer in `from`: null, nothing written; an unknown contact is an error.
    await expect(
      contacts.advanceFromWebhook(id, ['received'], [{ type: 'clarifying', at }], {}, receipt('late')),
    ).resolves.toBeNull();
    expect(await contacts.events(id)).toHaveLength(4);
    await expect(
      contacts.advanceFromWebhook(randomUUID(), ['received'], [], {}, receipt('nobody')),
    ).rejects.toMatchObject({ code: 'not_found' });
  });

  it('writes nothing and returns null when the contact is no longer in `from`', async () => {
    const id = await queuedContact();
    await expect(
      contacts.transition(id, ['offered'], 'connected', { connectedAt: new Date() }),
    ).resolves.toBe(null);
    await expect(contacts.findById(id)).resolves.toMatchObject({ state: 'queued', connectedAt: null });
    expect((await contacts.events(id)).map((event) => event.type)).toEqual(['queued']);
  });

  it('settles concurrent moves on exactly one winner', async () => {
    const id = await queuedContact();
    const outcomes = await Promise.all([
      contacts.transition(id, ['queued'], 'offered', { operatorId: randomUUID() }),
      contacts.transition(id, ['queued'], 'abandoned', { endedAt: new Date() }),
      contacts.transition(id, ['queued'], 'offered', { operatorId: randomUUID() }),
    ]);
    expect(outcomes.filter(Boolean)).toHaveLength(1);
    expect((await contacts.events(id)).map((event) => event.type)).toHaveLength(2);
  });

  it('group-commits concurrent moves of many contacts, each still a compare-and-set of its own', async () => {
    const ids = await Promise.all(Array.from({ length: 40 }, () => queuedContact()));
    const statements = jest.spyOn(database, 'query');
    const operatorIds = ids.map(() => randomUUID());
    // Every contact offered at once, and a hang-up racing the offer on the first ten.
    const [offers, hangUps] = await Promise.all([
      Promise.all(
        ids.map((id, i) => contacts.transition(id, ['queued'], 'offered', { operatorId: operatorIds[i] })),
      ),
      Promise.all(
        ids
          .slice(0, 10)
          .map((id) =>
            contacts.transition(
              id,
              ['queued', 'offered'],
              'abandoned',
              { endedAt: new Date() },
              {},
              new Date(),
              undefined,
              { receipt: { provider: 'generic', eventKey: `batched-end-${id}`, response: { ok: true } } },
            ),
          ),
      ),
    ]);
    const moveStatements = statements.mock.calls
      .map(([sql]) => String(sql))
      .filter((sql) => sql.includes('UPDATE contacts'));
    statements.mockRestore();
    // 50 moves in a few statements (a contact's second move waits for the batch holding its first), the
    // batch statement among them.
    expect(moveStatements.length).toBeLessThanOrEqual(4);
    expect(moveStatements.filter((sql) => sql.includes('jsonb_to_recordset')).length).toBeGreaterThanOrEqual(
      1,
    );
    for (const id of ids.slice(0, 10)) {
      await expect(contacts.findReceipt('generic', `batched-end-${id}`)).resolves.toMatchObject({
        contactId: id,
      });
    }
    expect(offers.every(Boolean)).toBe(true);
    expect(hangUps.every(Boolean)).toBe(true);
    for (const [i, id] of ids.entries()) {
      const contact = await contacts.findById(id);
      expect(contact).toMatchObject({ state: i < 10 ? 'abandoned' : 'offered', operatorId: operatorIds[i] });
      expect((await contacts.events(id)).map((event) => event.type)).toEqual(
        i < 10 ? ['queued', 'offered', 'abandoned'] : ['queued', 'offered'],
      );
    }
  });

  it('fails only the bad move of a batch, and clears patched columns set to null', async () => {
    const [good, bad, cleared] = await Promise.all([queuedContact(), queuedContact(), queuedContact()]);
    await contacts.patchIn(
      cleared,
      ['queued'],
      { callback: { number: '+390211111111', attempts: 0 } as never, operatorId: randomUUID() },
      { kind: 'set_up' },
    );
    const [moved, refused, clearedNow] = await Promise.allSettled([
      contacts.transition(good, ['queued'], 'offered', { operatorId: randomUUID() }),
      contacts.transition(bad, ['queued'], 'offered', { operatorId: 'not-a-uuid' }),
      contacts.transition(cleared, ['queued'], 'offered', { callback: null, operatorId: null }),
    ]);
    expect(moved).toMatchObject({ status: 'fulfilled', value: { state: 'offered' } });
    expect(refused.status).toBe('rejected');
    expect(clearedNow).toMatchObject({
      status: 'fulfilled',
      value: { state: 'offered', callback: null, operatorId: null },
    });
    await expect(contacts.findById(bad)).resolves.toMatchObject({ state: 'queued' });
    await expect(contacts.findById(cleared)).resolves.toMatchObject({ callback: null, operatorId: null });
  });

  it('refuses an illegal move and an unknown contact with coded errors', async () => {
    const id = await queuedContact();
    await expect(contacts.transition(id, ['queued'], 'completed')).rejects.toMatchObject({
      code: 'illegal_transition',
    });
    await expect(contacts.transition(randomUUID(), ['queued'], 'offered')).rejects.toBeInstanceOf(
      DomainError,
    );
    await expect(contacts.findById(id)).resolves.toMatchObject({ state: 'queued' });
  });

  it('writes a note with a client id once: a resend returns the first one', async () => {
    const id = await queuedContact();
    const first = await contacts.addNote(id, {
      kind: 'disposition',
      clientId: 'disposition',
      disposition: 'a',
    });
    const again = await contacts.addNote(id, {
      kind: 'disposition',
      clientId: 'disposition',
      disposition: 'b',
    });
    expect(again.data).toEqual(first.data);
    expect(again.data.disposition).toBe('a');
    await Promise.all([
      contacts.addNote(id, { kind: 'operator_note', clientId: 'n-1', text: 'one' }),
      contacts.addNote(id, { kind: 'operator_note', clientId: 'n-1', text: 'one' }),
      contacts.addNote(id, { kind: 'operator_note', text: 'no client id' }),
      contacts.addNote(id, { kind: 'operator_note', text: 'no client id' }),
    ]);
    const { notes } = await contacts.consoleContext(
      (await contacts.findById(id))!,
      ['operator_note', 'disposition'],
      5,
    );
    // Concurrent writes: the order among them is the database's, so compare as sets with counts.
    expect(notes.map((note) => String(note.data.text ?? note.data.disposition)).sort()).toEqual([
      'a',
      'no client id',
      'no client id',
      'one',
    ]);
    await expect(contacts.addNote(randomUUID(), { kind: 'operator_note', text: 'x' })).rejects.toMatchObject({
      code: 'not_found',
    });
  });

  it("lists the caller's previous contacts, latest first, with the last disposition and the operator", async () => {
    const fromAddress = `+3906${Math.floor(Math.random() * 1e8)}`;
    const operatorId = randomUUID();
    await database.query(
      `INSERT INTO operators (id, username, display_name, role) VALUES ($1, $2, 'Olga', 'operator')`,
      [operatorId, `olga-${operatorId}`],
    );
    const at = (minute: number) => new Date(`2026-12-03T10:0${minute}:00Z`);
    const first = await queuedContact({ fromAddress, receivedAt: at(0), operatorId });
    await contacts.addNote(first, { kind: 'disposition', clientId: 'd1', disposition: 'callback' });
    await contacts.addNote(first, { kind: 'disposition', clientId: 'd2', disposition: 'solved' });
    await contacts.addNote(first, { kind: 'operator_note', clientId: 'n1', text: 'not a disposition' });
    const second = await queuedContact({ fromAddress, receivedAt: at(1) });
    const current = await queuedContact({ fromAddress, receivedAt: at(2) });
    await queuedContact({ fromAddress: `${fromAddress}9`, receivedAt: at(3) });

    const { previous } = await contacts.consoleContext((await contacts.findById(current))!, [], 5);
    expect(previous.map((entry) => entry.contact.id)).toEqual([second, first]);
    expect(previous[1]).toMatchObject({ disposition: 'solved', operatorName: 'Olga' });
    expect(previous[1]!.contact.receivedAt).toEqual(at(0));
    expect(previous[1]!.contact.operatorId).toBe(operatorId);
    expect(previous[0]).toMatchObject({ disposition: null, operatorName: null });
    const latest = await contacts.consoleContext((await contacts.findById(current))!, [], 1);
    expect(latest.previous.map((e) => e.contact.id)).toEqual([second]);
    expect(latest.notes).toEqual([]);
    const { notes, previous: none } = await contacts.consoleContext(
      (await contacts.findById(first))!,
      ['disposition'],
      5,
    );
    // "Previous" is every other contact of the same caller, later ones included.
    expect(none.map((e) => e.contact.id).sort()).toEqual([second, current].sort());
    expect(notes.map((note) => note.data.disposition)).toEqual(['callback', 'solved']);
    expect(notes[0]!.at).toBeInstanceOf(Date);
    expect(notes[0]!.contactId).toBe(first);
  });

  it('creates a contact once per event and once per call: retries and concurrent deliveries write nothing more', async () => {
    const newCall = (callId: string) => ({
      id: randomUUID(),
      channel: 'voice' as const,
      provider: 'generic',
      externalId: callId,
      fromAddress: '+390212345678',
      toAddress: '+390200000000',
      state: 'queued' as const,
      problemType: 'billing',
      language: 'it',
      triage: null,
      operatorId: null,
      receivedAt: new Date('2026-12-03T11:00:00Z'),
      queuedAt: new Date('2026-12-03T11:00:00Z'),
    });
    const history = [{ type: 'received' as const, at: new Date('2026-12-03T11:00:00Z') }];
    const callId = `call-${randomUUID()}`;
    const first = newCall(callId);
    const created = await contacts.createFromWebhook(first, history, {
      provider: 'generic',
      eventKey: `evt-${callId}`,
      response: { contactId: first.id },
    });
    expect(created).toMatchObject({ created: true, contact: { id: first.id } });

    // The same delivery again: its receipt's contact and stored response.
    const retried = await contacts.createFromWebhook(newCall(callId), history, {
      provider: 'generic',
      eventKey: `evt-${callId}`,
      response: { contactId: 'other' },
    });
    expect(retried).toMatchObject({
      created: false,
      contact: { id: first.id },
      response: { contactId: first.id },
    });
    // Another event of the same call: the call's contact, no response, and no receipt written for it.
    const sameCall = await contacts.createFromWebhook(newCall(callId), history, {
      provider: 'generic',
      eventKey: `evt-2-${callId}`,
      response: {},
    });
    expect(sameCall).toMatchObject({ created: false, contact: { id: first.id }, response: null });
    await expect(contacts.findReceipt('generic', `evt-2-${callId}`)).resolves.toBeNull();
    expect((await contacts.events(first.id)).map((event) => event.type)).toEqual(['received']);

    // Five deliveries of one new event at once: exactly one contact, and the others see no new one.
    const racedId = `call-${randomUUID()}`;
    const raced = await Promise.all(
      Array.from({ length: 5 }, () => {
        const attempt = newCall(racedId);
        return contacts.createFromWebhook(attempt, history, {
          provider: 'generic',
          eventKey: `evt-${racedId}`,
          response: { contactId: attempt.id },
        });
      }),
    );
    const winners = raced.filter((outcome) => outcome.created);
    expect(winners).toHaveLength(1);
    const winner = winners[0]!.contact!.id;
    for (const outcome of raced.filter((entry) => !entry.created))
      expect([null, winner]).toContain(outcome.contact?.id ?? null);
    await expect(contacts.findByExternalId('generic', racedId)).resolves.toMatchObject({ id: winner });
    await expect(contacts.findReceipt('generic', `evt-${racedId}`)).resolves.toMatchObject({
      contactId: winner,
    });
  });

  it('creates the contact with every field, its history in order and its receipt', async () => {
    const id = randomUUID();
    const at = new Date('2026-12-03T12:00:00.123Z');
    const triage = { source: 'ivr', confidence: 1, reasons: ['digit 1'], decision: 'queue' } as const;
    const before = await database.query<{ n: string }>('SELECT count(*) AS n FROM webhook_receipts');
    const outcome = await contacts.createFromWebhook(
      {
        id,
        channel: 'voice',
        provider: 'generic',
        externalId: `call-${id}`,
        providerAccount: 'gateway-b',
        fromAddress: '+390212345678',
        toAddress: '+390200000000',
        state: 'queued',
        problemType: 'billing',
        language: 'en',
        triage: triage as never,
        operatorId: null,
        receivedAt: at,
        queuedAt: at,
      },
      [
        { type: 'received', at, data: { provider: 'generic' } },
        { type: 'triaged', at, data: { problemType: 'billing' } },
        { type: 'queued', at },
      ],
      { provider: 'generic', eventKey: `evt-${id}`, response: { contactId: id } },
    );
    const expected = {
      id,
      providerAccount: 'gateway-b',
      state: 'queued',
      problemType: 'billing',
      language: 'en',
      triage,
      receivedAt: at,
      queuedAt: at,
      connectedAt: null,
      endedAt: null,
      callback: null,
    };
    expect(outcome).toMatchObject({ created: true, contact: expected });
    await expect(contacts.findById(id)).resolves.toMatchObject(expected);
    const events = await contacts.events(id);
    expect(events.map((event) => [event.type, event.data])).toEqual([
      ['received', { provider: 'generic' }],
      ['triaged', { problemType: 'billing' }],
      ['queued', {}],
    ]);
    expect(events.every((event) => event.at.getTime() === at.getTime())).toBe(true);
    await expect(contacts.findReceipt('generic', `evt-${id}`)).resolves.toMatchObject({
      contactId: id,
      response: { contactId: id },
    });
    const after = await database.query<{ n: string }>('SELECT count(*) AS n FROM webhook_receipts');
    expect(Number(after[0]!.n) - Number(before[0]!.n)).toBe(1);
  });

  it('keeps reading after another instance migrates the table under its prepared statements', async () => {
    const id = await queuedContact();
    await expect(contacts.findById(id)).resolves.toMatchObject({ id });
    await expect(contacts.findByExternalId('generic', `call-${id}`)).resolves.toMatchObject({ id });
    // As a newer instance's migration during a rolling upgrade: the row type of `SELECT *` changes.
    await database.query('ALTER TABLE contacts ADD COLUMN upgrade_probe text');
    try {
      await expect(contacts.findById(id)).resolves.toMatchObject({ id });
      await expect(contacts.findByExternalId('generic', `call-${id}`)).resolves.toMatchObject({ id });
      const moved = await contacts.transition(id, ['queued'], 'abandoned', {}, { reason: 'probe' });
      expect(moved?.state).toBe('abandoned');
      await expect(contacts.findById(await queuedContact())).resolves.toMatchObject({ state: 'queued' });
    } finally {
      await database.query('ALTER TABLE contacts DROP COLUMN upgrade_probe');
    }
    await expect(contacts.findById(id)).resolves.toMatchObject({ id, state: 'abandoned' });
  });
});
