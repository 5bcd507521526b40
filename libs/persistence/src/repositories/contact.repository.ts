import { Injectable } from '@nestjs/common';
import { EntityManager, In, Not } from 'typeorm';
import type { ColumnMetadata } from 'typeorm/metadata/ColumnMetadata';
import {
  CONTACT_STATES,
  Contact,
  ContactEvent,
  ContactState,
  ContactStateMachine,
  DomainError,
  FINAL_STATES,
  type Channel,
} from '@centralino/contacts';
import { MetricsService } from '@centralino/observability';
import { DatabaseService } from '../database.service';
import { ContactMoveBatcher, ContactMoveInput, ContactMoveRow } from './contact-move-batcher';
import { ContactEntity, ContactEventEntity, WebhookReceiptEntity } from '../entities';

/** A free-form jsonb object (event data, stored responses). */
export type JsonObject = ContactEventEntity['data'];

export type ContactPatch = Partial<
  Pick<
    Contact,
    | 'problemType'
    | 'language'
    | 'triage'
    | 'operatorId'
    | 'queuedAt'
    | 'connectedAt'
    | 'endedAt'
    | 'callback'
    // A callback's outbound call replaces the ended inbound one as the provider's id for the contact.
    | 'externalId'
  >
>;

export interface NewContact extends Omit<
  Contact,
  'state' | 'queuedAt' | 'connectedAt' | 'endedAt' | 'callback' | 'providerAccount'
> {
  state: ContactState;
  providerAccount?: string | null;
  queuedAt?: Date | null;
}

/** Every property a move may patch (ContactPatch's keys): the batch move's SET covers each. */
const PATCHABLE = [
  'problemType',
  'language',
  'triage',
  'operatorId',
  'queuedAt',
  'connectedAt',
  'endedAt',
  'callback',
  'externalId',
] as const satisfies readonly (keyof ContactPatch)[];

/** An earlier contact of a caller, with what the console shows of it. */
export interface PreviousContactRecord {
  contact: Contact;
  disposition: string | null;
  operatorName: string | null;
}

/** A contact's notes and the caller's previous contacts, as a console shows them (`consoleContext`). */
export interface ConsoleContextRecord {
  notes: ContactEvent[];
  previous: PreviousContactRecord[];
}

export interface Receipt {
  provider: string;
  eventKey: string;
  response: JsonObject;
}

/** All reads and writes of contacts, their append-only event log and webhook receipts. */
@Injectable()
export class ContactRepository {
  private readonly moves = new ContactMoveBatcher((moves) => this.executeMoves(moves, false));
  private readonly routingMoves = new ContactMoveBatcher((moves) => this.executeMoves(moves, true));
  private moveSql: string | null = null;

  constructor(
    private readonly database: DatabaseService,
    private readonly metrics: MetricsService,
  ) {}

  async findById(id: string): Promise<Contact | null> {
    // Read on every offer, accept and completion: one plain statement, no query builder.
    const rows = await this.database.query('SELECT * FROM contacts WHERE id = $1', [id], { prepared: true });
    return rows[0] ? this.toContact(rows[0]) : null;
  }

  async findByExternalId(provider: string, externalId: string): Promise<Contact | null> {
    // Read by most webhooks of a call (each follow-up finds its contact): one plain statement.
    const rows = await this.database.query(
      'SELECT * FROM contacts WHERE provider = $1 AND external_id = $2 LIMIT 1',
      [provider, externalId],
      { prepared: true },
    );
    return rows[0] ? this.toContact(rows[0]) : null;
  }

  /**
   * The newest contact still open (not in a final state) between two addresses on a text channel: an
   * SMS conversation is one contact from its first message until it ends.
   */
  findOpenConversation(
    provider: string,
    channel: Channel,
    from: string,
    to: string,
  ): Promise<Contact | null> {
    return this.database.read((manager) =>
      manager.findOne(ContactEntity, {
        where: { provider, channel, fromAddress: from, toAddress: to, state: Not(In([...FINAL_STATES])) },
        order: { receivedAt: 'DESC' },
      }),
    );
  }

  async findReceipt(provider: string, eventKey: string): Promise<WebhookReceiptEntity | null> {
    // Read by every webhook (idempotency: a retried delivery gets the first answer): one plain statement.
    const rows = await this.database.query(
      'SELECT * FROM webhook_receipts WHERE provider = $1 AND event_key = $2',
      [provider, eventKey],
      { prepared: true },
    );
    return rows[0] ? this.hydrate(WebhookReceiptEntity, rows[0]) : null;
  }

  async listByState(state: ContactState): Promise<Contact[]> {
    // The reconciler lists every queued and offered contact every few seconds: one plain statement.
    const rows = await this.database.query(
      'SELECT * FROM contacts WHERE state = $1 ORDER BY queued_at ASC NULLS LAST, id ASC',
      [state],
    );
    return rows.map((row) => this.toContact(row));
  }

  events(contactId: string): Promise<ContactEvent[]> {
    return this.database.read((manager) =>
      manager.find(ContactEventEntity, { where: { contactId }, order: { at: 'ASC', id: 'ASC' } }),
    ) as Promise<ContactEvent[]>;
  }

  /** The contacts an operator is connected to now, oldest first. */
  connectedTo(operatorId: string): Promise<Contact[]> {
    return this.database.read((manager) =>
      manager.find(ContactEntity, {
        where: { operatorId, state: 'connected' },
        order: { connectedAt: 'ASC' },
      }),
    );
  }

  /**
   * What a console shows of a contact beyond its row, read on every accept in one plain statement: its
   * `note` events whose `data.kind` is one of `noteKinds` (oldest first), and the caller's other contacts
   * (same address, latest first, at most `previousLimit`) with the last disposition recorded on each (a
   * `note` of kind `disposition`) and the name of the operator who handled it.
   */
  async consoleContext(
    contact: Contact,
    noteKinds: readonly string[],
    previousLimit: number,
  ): Promise<ConsoleContextRecord> {
    const kinds = noteKinds.length > 0 ? noteKinds.map((_, index) => `$${index + 4}`).join(', ') : 'NULL';
    const rows = await this.database.query(
      `SELECT n.console_notes, p.* FROM
         (SELECT coalesce(json_agg(json_build_object('contact_id', e.contact_id, 'type', e.type, 'at', e.at,
                   'data', e.data) ORDER BY e.at ASC, e.id ASC), '[]'::json) AS console_notes
            FROM contact_events e
           WHERE e.contact_id = $2 AND e.type = 'note' AND e.data->>'kind' IN (${kinds})) AS n
       LEFT JOIN LATERAL (
         SELECT c.*, o.display_name AS previous_operator_name,
             (SELECT d.data->>'disposition' FROM contact_events d
               WHERE d.contact_id = c.id AND d.type = 'note' AND d.data->>'kind' = 'disposition'
               ORDER BY d.at DESC, d.id DESC LIMIT 1) AS previous_disposition
           FROM contacts c LEFT JOIN operators o ON o.id = c.operator_id
          WHERE c.from_address = $1 AND c.id <> $2
          ORDER BY c.received_at DESC LIMIT $3) AS p ON true`,
      [contact.fromAddress, contact.id, previousLimit, ...noteKinds],
      // One plan fits every contact: each part has an index of its own (contact_events_note_idx,
      // contacts_from_address_received_idx), so the plan is made once per connection, not per accept.
      { prepared: true },
    );
    const raw = rows[0]?.console_notes ?? [];
    const notes = (typeof raw === 'string' ? JSON.parse(raw) : raw) as Record<string, unknown>[];
    return {
      notes: notes.map((row) => this.toEvent(row)),
      // No previous contact: the one row carries the notes and nulls.
      previous: rows
        .filter((row) => row.id !== null && row.id !== undefined)
        .map((row) => ({
          contact: this.toContact(row),
          disposition: (row.previous_disposition as string | null) ?? null,
          operatorName: (row.previous_operator_name as string | null) ?? null,
        })),
    };
  }

  /**
   * Applies `patch` and appends a `note` if the contact is still in one of `states` (no state change:
   * e.g. a waiting contact moved to another queue). Null, with nothing written, otherwise.
   */
  async patchIn(
    id: string,
    states: readonly ContactState[],
    patch: ContactPatch,
    note: JsonObject & { kind: string },
    at = new Date(),
  ): Promise<Contact | null> {
    return this.database.transaction(async (manager) => {
      const contact = await this.lock(manager, id);
      if (!states.includes(contact.state)) return null;
      Object.assign(contact, patch);
      await manager.update(ContactEntity, { id }, patch as Partial<ContactEntity>);
      await manager.insert(ContactEventEntity, { contactId: id, type: 'note', at, data: note });
      return contact;
    });
  }

  /**
   * Appends a `note` event (a logged step that changes no state) to a contact that exists. When `data.clientId`
   * is given, a note of the same kind with the same clientId is not written twice: the existing one
   * is returned, so a console's resend is harmless.
   */
  async addNote(
    contactId: string,
    data: JsonObject & { kind: string },
    at = new Date(),
  ): Promise<ContactEvent> {
    const withClientId = typeof data.clientId === 'string';
    // A resend with the same clientId hits the unique index (contact_events_note_client_id_uq) and
    // writes nothing; the note written first is returned.
    const rows = await this.database.query(
      `INSERT INTO contact_events (contact_id, type, at, data)
       SELECT id, 'note', $2, $3::jsonb FROM contacts WHERE id = $1
       ${
         withClientId
           ? `ON CONFLICT (contact_id, (data->>'kind'), (data->>'clientId'))
              WHERE type = 'note' AND data->>'clientId' IS NOT NULL DO NOTHING`
           : ''
       }
       RETURNING id, contact_id, type, at, data`,
      [contactId, at, JSON.stringify(data)],
      { prepared: true },
    );
    if (rows[0]) return this.toEvent(rows[0]);
    if (withClientId) {
      const existing = await this.database.query(
        `SELECT id, contact_id, type, at, data FROM contact_events
         WHERE contact_id = $1 AND type = 'note' AND data->>'kind' = $2 AND data->>'clientId' = $3`,
        [contactId, data.kind, data.clientId],
      );
      if (existing[0]) return this.toEvent(existing[0]);
    }
    throw new DomainError('not_found', `Contact ${contactId} does not exist`);
  }

  private toEvent(row: Record<string, unknown>): ContactEvent {
    return {
      contactId: row.contact_id as string,
      type: row.type as ContactEvent['type'],
      at: row.at instanceof Date ? row.at : new Date(row.at as string),
      data: (typeof row.data === 'string' ? JSON.parse(row.data) : row.data) as ContactEvent['data'],
    };
  }

  /**
   * Creates a contact with its event history and the receipt of the webhook that created it, in one
   * statement (atomic by itself: no transaction's BEGIN and COMMIT; this runs for every new call and
   * chat). If another delivery of the same event (or the same call) won the race, nothing is written
   * and the existing receipt or contact is returned instead.
   */
  async createFromWebhook(
    contact: NewContact,
    history: { type: ContactEvent['type']; at: Date; data?: JsonObject }[],
    receipt: Receipt,
  ): Promise<
    | { created: true; contact: Contact }
    | { created: false; contact: Contact | null; response: JsonObject | null }
  > {
    const entity: Contact = {
      connectedAt: null,
      endedAt: null,
      queuedAt: null,
      callback: null,
      providerAccount: null,
      ...contact,
    };
    const { sql, columns } = this.createStatement();
    const rows = await this.database.query(
      sql,
      [
        receipt.provider,
        receipt.eventKey,
        JSON.stringify(receipt.response),
        new Date(),
        JSON.stringify(
          history.map((event, ord) => ({ ord, type: event.type, at: event.at, data: event.data ?? {} })),
        ),
        ...columns.map((column) =>
          this.database.dataSource.driver.preparePersistentValue(
            (entity as unknown as Record<string, unknown>)[column.propertyName] ?? null,
            column,
          ),
        ),
      ],
      // By unique keys only (the receipt's, the call's): one plan fits every call.
      { prepared: true },
    );
    const row = rows[0];
    if (row?.found === 'created') {
      for (const event of history) this.metrics.contactEntered(event.type);
      return { created: true, contact: this.toContact(row) };
    }
    if (row?.found === 'receipt') {
      return {
        created: false,
        contact: row.id ? this.toContact(row) : null,
        response: this.json(row.receipt_response) as JsonObject,
      };
    }
    if (row?.found === 'call') return { created: false, contact: this.toContact(row), response: null };
    // Nothing inserted and nothing seen: a concurrent delivery of this event (the insert waited for it)
    // or of this call committed after this statement began. A statement of its own sees which.
    const existingReceipt = await this.findReceipt(receipt.provider, receipt.eventKey);
    if (existingReceipt) {
      return {
        created: false,
        contact: existingReceipt.contactId ? await this.findById(existingReceipt.contactId) : null,
        response: existingReceipt.response,
      };
    }
    return {
      created: false,
      contact: await this.findByExternalId(contact.provider, contact.externalId),
      response: null,
    };
  }

  private creation?: { sql: string; columns: ColumnMetadata[] };

  /**
   * createFromWebhook's statement. The receipt is inserted only when the call is not known already
   * (nothing inserted: a retried delivery, another event of a known call, or a concurrent delivery of
   * this event, which the insert waits for); the contact only with the receipt, its events only with
   * the contact. The same statement reports what it found instead (seen as of its start): the first
   * delivery's receipt and contact, or the known call. A second contact for the same call (another
   * event key, concurrently) fails the whole statement on contacts_provider_external_id_uq, receipt
   * included, as the transaction it replaces did.
   */
  private createStatement(): { sql: string; columns: ColumnMetadata[] } {
    if (this.creation) return this.creation;
    const columns = this.database.dataSource.getMetadata(ContactEntity).columns;
    const FIRST = 6; // $1-$5: the receipt's provider, key, response, time, and the history
    const parameter = (property: string) => {
      const index = columns.findIndex((column) => column.propertyName === property);
      return `$${FIRST + index}::${columns[index]!.type as string}`;
    };
    const names = columns.map((column) => column.databaseName).join(', ');
    const values = columns.map((column, index) => `$${FIRST + index}::${column.type as string}`).join(', ');
    const sameCall = `provider = ${parameter('provider')} AND external_id = ${parameter('externalId')}`;
    const sql = `WITH receipt AS (
         INSERT INTO webhook_receipts (provider, event_key, contact_id, response, received_at)
         SELECT $1::text, $2::text, ${parameter('id')}, $3::jsonb, $4::timestamptz
         WHERE NOT EXISTS (SELECT 1 FROM contacts WHERE ${sameCall})
         ON CONFLICT DO NOTHING RETURNING provider
       ),
       created AS (INSERT INTO contacts (${names}) SELECT ${values} FROM receipt RETURNING *),
       logged AS (
         INSERT INTO contact_events (contact_id, type, at, data)
         SELECT created.id, event.type, event.at, event.data
         FROM created CROSS JOIN jsonb_to_recordset($5::jsonb) AS event (ord int, type text, at timestamptz, data jsonb)
         ORDER BY event.ord
       ),
       earlier AS (SELECT contact_id, response FROM webhook_receipts WHERE provider = $1::text AND event_key = $2::text)
       SELECT 'created' AS found, NULL::jsonb AS receipt_response, created.* FROM created
       UNION ALL
       SELECT 'receipt', earlier.response, contacts.* FROM earlier LEFT JOIN contacts ON contacts.id = earlier.contact_id
       UNION ALL
       SELECT 'call', NULL::jsonb, contacts.* FROM contacts WHERE ${sameCall} AND NOT EXISTS (SELECT 1 FROM earlier)`;
    this.creation = { sql, columns };
    return this.creation;
  }

  private json(value: unknown): unknown {
    return typeof value === 'string' ? JSON.parse(value) : value;
  }

  /**
   * A later webhook about a contact still in one of `from` (e.g. a caller's answer to a clarifying
   * question): records its receipt, appends `history` and applies `patch`, in one statement (atomic by
   * itself: no transaction's lock, BEGIN and COMMIT round trips). Events whose type is a state move the
   * contact along the state machine; others (`clarifying`, `note`) are only logged. Null, with nothing
   * but maybe the receipt written, if the contact moved on meanwhile or the receipt exists (a receipt
   * is written when the contact was in `from` as the statement began, even if a concurrent move took
   * it on before the update: a retry is then answered from where the contact is, as it would be).
   */
  async advanceFromWebhook(
    id: string,
    from: readonly ContactState[],
    history: { type: ContactEvent['type']; at: Date; data?: JsonObject }[],
    patch: ContactPatch,
    receipt: Receipt,
  ): Promise<Contact | null> {
    const moves = history
      .map((event) => event.type as ContactState)
      .filter((type) => (CONTACT_STATES as readonly string[]).includes(type));
    // The starts the history is a legal path from (the state machine); the last state event is the end.
    const chain = (start: ContactState) => {
      let state = start;
      for (const next of moves) {
        ContactStateMachine.assertTransition(state, next);
        state = next;
      }
    };
    const legal = from.filter((start) => {
      try {
        chain(start);
        return true;
      } catch {
        return false;
      }
    });
    const parameters: unknown[] = [
      id,
      receipt.provider,
      receipt.eventKey,
      JSON.stringify(receipt.response),
      new Date(),
      legal,
      moves.at(-1) ?? null,
      JSON.stringify(
        history.map((event, ord) => ({ ord, type: event.type, at: event.at, data: event.data ?? {} })),
      ),
    ];
    const assignments = ['state = coalesce($7::text, state)'];
    for (const [property, value] of Object.entries(patch)) {
      if (value === undefined) continue;
      const column = this.contactColumn(property);
      parameters.push(this.database.dataSource.driver.preparePersistentValue(value, column));
      assignments.push(`${column.databaseName} = $${parameters.length}::${column.type as string}`);
    }
    const rows = await this.database.query(
      `WITH previous AS (SELECT state FROM contacts WHERE id = $1::uuid),
       receipt AS (
         INSERT INTO webhook_receipts (provider, event_key, contact_id, response, received_at)
         SELECT $2::text, $3::text, $1::uuid, $4::jsonb, $5::timestamptz
         WHERE EXISTS (SELECT 1 FROM contacts WHERE id = $1::uuid AND state = ANY ($6::text[]))
         ON CONFLICT DO NOTHING RETURNING provider
       ),
       moved AS (
         UPDATE contacts SET ${assignments.join(', ')}
         WHERE id = $1::uuid AND state = ANY ($6::text[]) AND EXISTS (SELECT 1 FROM receipt)
         RETURNING *
       ),
       logged AS (
         INSERT INTO contact_events (contact_id, type, at, data)
         SELECT moved.id, event.type, event.at, event.data
         FROM moved CROSS JOIN jsonb_to_recordset($8::jsonb) AS event (ord int, type text, at timestamptz, data jsonb)
         ORDER BY event.ord
       )
       SELECT (SELECT state FROM previous) AS previous_state, moved.* FROM (SELECT 1) AS one LEFT JOIN moved ON true`,
      parameters,
      // By primary key and the receipt's key: one plan fits every contact.
      { prepared: true },
    );
    const row = rows[0]!;
    if (row.id === null || row.id === undefined) {
      const previous = row.previous_state as ContactState | null;
      if (previous === null) throw new DomainError('not_found', `Contact ${id} does not exist`);
      // In `from` but the history is no legal path from it: a caller's mistake, reported as before.
      if (from.includes(previous) && !legal.includes(previous)) chain(previous);
      return null;
    }
    for (const event of history) this.metrics.contactEntered(event.type);
    return this.toContact(row);
  }

  /** Records the receipt of a later event about an existing contact (e.g. a hang-up). False if seen before. */
  async recordReceipt(receipt: Receipt, contactId: string | null): Promise<boolean> {
    // One statement (atomic by itself), no transaction around it.
    const inserted = await this.database.query(
      `INSERT INTO webhook_receipts (provider, event_key, contact_id, response, received_at)
        VALUES ($1, $2, $3, $4::jsonb, $5) ON CONFLICT DO NOTHING RETURNING provider`,
      [receipt.provider, receipt.eventKey, contactId, JSON.stringify(receipt.response), new Date()],
      { prepared: true },
    );
    return inserted.length > 0;
  }

  /**
   * Moves a contact to `to` if its current state is one of `from` and the move is legal, appending the
   * event (after `note`, if given) in the same statement. Returns null (and writes nothing) when the
   * contact is not in `from`, so concurrent actors (a hang-up racing an accept) settle on exactly one
   * outcome: the UPDATE's WHERE is re-checked on the row a concurrent move left (READ COMMITTED), so no
   * lock or transaction is needed. One round trip: this is the hottest write of routing.
   */
  async transition(
    id: string,
    from: readonly ContactState[],
    to: ContactState,
    patch: ContactPatch = {},
    data: JsonObject = {},
    at = new Date(),
    note?: JsonObject & { kind: string },
    /**
     * `noCallback`: only if the contact has no callback request (else null, nothing written).
     * `noteAfter`: the note is logged after the move's event instead of before it (a completion's disposition).
     * `receipt`: the webhook that reports the move, recorded for the contact by the same statement
     * (whether or not the contact moved; a receipt already there is left as it is).
     */
    when: { noCallback?: boolean; noteAfter?: boolean; receipt?: Receipt } = {},
  ): Promise<Contact | null> {
    const columns: Record<string, unknown> = {};
    for (const [property, value] of Object.entries(patch)) {
      if (value !== undefined) columns[this.patchColumn(property).databaseName] = value;
    }
    const move: ContactMoveInput = {
      id,
      to,
      from: from.filter((state) => ContactStateMachine.canTransition(state, to)),
      patch: columns,
      data,
      at: at.toISOString(),
      note: note ?? null,
      noteAfter: !!when.noteAfter,
      noCallback: !!when.noCallback,
      receipt: when.receipt ?? null,
    };
    // Group commit (ContactMoveBatcher): on the lane the caller runs in, so routing's moves keep their pool.
    const row = await (this.database.inRoutingLane() ? this.routingMoves : this.moves).submit(move);
    if (row.id === null || row.id === undefined) {
      const previous = row.previous_state as ContactState | null;
      if (previous === null) throw new DomainError('not_found', `Contact ${id} does not exist`);
      // In `from` but not a legal move: a caller's mistake, reported as before.
      if (from.includes(previous) && !when.noCallback) ContactStateMachine.assertTransition(previous, to);
      return null;
    }
    this.metrics.contactEntered(to);
    return this.toContact(row);
  }

  /** Runs a batch of moves as one statement; one row per move, in the batch's order. */
  private async executeMoves(moves: ContactMoveInput[], routingLane: boolean): Promise<ContactMoveRow[]> {
    if (moves.length === 1) {
      const run = () => this.executeMove(moves[0]!);
      return [await (routingLane ? this.database.routingLane(run) : run())];
    }
    const input = JSON.stringify(
      moves.map((move, ord) => ({
        ord,
        id: move.id,
        to_state: move.to,
        from_states: move.from,
        patch: move.patch,
        data: move.data,
        at: move.at,
        note: move.note,
        note_after: move.noteAfter,
        no_callback: move.noCallback,
        receipt: move.receipt ?? null,
      })),
    );
    // One plan for every batch (the input is one parameter): prepared once per connection.
    const ids = moves.map((move) => move.id);
    const run = () => this.database.query(this.moveStatement(), [input, ids], { prepared: true });
    const rows = await (routingLane ? this.database.routingLane(run) : run());
    const byOrd = new Map(rows.map((row) => [Number(row.input_ord), row]));
    return moves.map((_, ord) => byOrd.get(ord)!);
  }

  /**
   * A batch of one, the usual case when the system is not busy: a statement made for this move's columns
   * and states (one plan per shape, prepared), which costs PostgreSQL about half the batch statement's
   * generic machinery (the JSON input, a CASE per column). Same semantics as the batch statement.
   */
  private async executeMove(move: ContactMoveInput): Promise<ContactMoveRow> {
    const parameters: unknown[] = [
      move.id,
      move.to,
      move.at,
      move.note ? JSON.stringify(move.note) : null,
      JSON.stringify(move.data),
    ];
    const push = (value: unknown) => `$${parameters.push(value)}`;
    const metadata = this.database.dataSource.getMetadata(ContactEntity);
    const assignments = ['state = $2'];
    for (const [name, value] of Object.entries(move.patch)) {
      const column = metadata.findColumnWithDatabaseName(name)!;
      const persisted = this.database.dataSource.driver.preparePersistentValue(value, column);
      assignments.push(`${name} = ${push(persisted)}`);
    }
    const states = move.from.length > 0 ? move.from.map(push).join(', ') : 'NULL';
    const receipt = move.receipt
      ? `receipted AS (
           INSERT INTO webhook_receipts (provider, event_key, contact_id, response, received_at)
           VALUES (${push(move.receipt.provider)}, ${push(move.receipt.eventKey)}, $1,
             ${push(JSON.stringify(move.receipt.response))}::jsonb, now())
           ON CONFLICT DO NOTHING
         ),`
      : '';
    const rows = await this.database.query(
      `WITH previous AS (SELECT state FROM contacts WHERE id = $1), ${receipt}
       moved AS (
         UPDATE contacts SET ${assignments.join(', ')}
         WHERE id = $1 AND state IN (${states}) ${move.noCallback ? 'AND callback IS NULL' : ''}
         RETURNING *
       ),
       logged AS (
         INSERT INTO contact_events (contact_id, type, at, data)
         SELECT moved.id, event.type, $3, event.data
         FROM moved CROSS JOIN (VALUES (${move.noteAfter ? 3 : 1}, 'note', $4::jsonb), (2, $2::text, $5::jsonb))
           AS event (ord, type, data)
         WHERE event.data IS NOT NULL
         ORDER BY event.ord
         ON CONFLICT DO NOTHING
       )
       SELECT (SELECT state FROM previous) AS previous_state, moved.* FROM (SELECT 1) AS one LEFT JOIN moved ON true`,
      parameters,
      // By primary key (and the receipt's key): one plan fits every contact, made once per connection.
      { prepared: true },
    );
    return rows[0]!;
  }

  /**
   * The batch move: each input row is a compare-and-set on its contact (the UPDATE's WHERE is re-checked
   * on the row a concurrent move left, READ COMMITTED), its events appended in the same statement; the
   * final SELECT sees the rows as they were before it (the previous state, to tell "not found" and
   * "not in `from`" apart). Every patchable column is set from the move's `patch` when it names it.
   */
  private moveStatement(): string {
    if (this.moveSql) return this.moveSql;
    const assignments = PATCHABLE.map((property) => {
      const column = this.patchColumn(property);
      const name = column.databaseName;
      const value =
        column.type === 'jsonb'
          ? `nullif(i.patch -> '${name}', 'null'::jsonb)`
          : `(i.patch ->> '${name}')::${String(column.type)}`;
      return `${name} = CASE WHEN (i.patch -> '${name}') IS NOT NULL THEN ${value} ELSE c.${name} END`;
    });
    this.moveSql = `WITH input AS (
        SELECT * FROM jsonb_to_recordset($1::jsonb) AS i (ord int, id uuid, to_state text,
          from_states text[], patch jsonb, data jsonb, at timestamptz, note jsonb, note_after boolean,
          no_callback boolean, receipt jsonb)
      ),
      receipted AS (
        INSERT INTO webhook_receipts (provider, event_key, contact_id, response, received_at)
        SELECT i.receipt ->> 'provider', i.receipt ->> 'eventKey', i.id, i.receipt -> 'response', now()
        FROM input i WHERE i.receipt IS NOT NULL
        ON CONFLICT DO NOTHING
      ),
      moved AS (
        UPDATE contacts c SET state = i.to_state, ${assignments.join(', ')}
        FROM input i
        -- The ids again as an array: the rows are then found through the primary key, whatever the
        -- planner guesses of the JSON input's size (a hash join would read the whole table).
        WHERE c.id = ANY ($2::uuid[]) AND c.id = i.id AND c.state = ANY (i.from_states)
          AND (NOT i.no_callback OR c.callback IS NULL)
        RETURNING c.*, i.ord AS input_ord
      ),
      logged AS (
        INSERT INTO contact_events (contact_id, type, at, data)
        SELECT m.id, event.type, i.at, event.data
        FROM moved m JOIN input i ON i.ord = m.input_ord
        CROSS JOIN LATERAL (VALUES (CASE WHEN i.note_after THEN 3 ELSE 1 END, 'note', i.note),
          (2, i.to_state, i.data)) AS event (ord, type, data)
        WHERE event.data IS NOT NULL
        ORDER BY m.input_ord, event.ord
        ON CONFLICT DO NOTHING
      )
      SELECT i.ord AS input_ord, (SELECT p.state FROM contacts p WHERE p.id = i.id) AS previous_state, m.*
      FROM input i LEFT JOIN moved m ON m.input_ord = i.ord`;
    return this.moveSql;
  }

  /** The metadata of a patchable contact column by property name (the patch keys). */
  private patchColumn(property: string): ColumnMetadata {
    if (!(PATCHABLE as readonly string[]).includes(property)) {
      throw new Error(`ContactPatch has no property ${property}`);
    }
    return this.contactColumn(property);
  }

  /** The metadata of a contact column by property name (the patch keys). */
  private contactColumn(property: string): ColumnMetadata {
    const column = this.database.dataSource.getMetadata(ContactEntity).findColumnWithPropertyName(property);
    if (!column) throw new Error(`ContactEntity has no column ${property}`);
    return column;
  }

  /** A raw `contacts` row (database column names) as the entity the ORM would have loaded. */
  private toContact(row: Record<string, unknown>): ContactEntity {
    return this.hydrate(ContactEntity, row);
  }

  /** A raw row (database column names) as the entity the ORM would have loaded. */
  private hydrate<T>(entity: new () => T, row: Record<string, unknown>): T {
    const metadata = this.database.dataSource.getMetadata(entity);
    const hydrated = metadata.create() as T;
    const driver = this.database.dataSource.driver;
    for (const column of metadata.columns) {
      (hydrated as unknown as Record<string, unknown>)[column.propertyName] = driver.prepareHydratedValue(
        row[column.databaseName],
        column,
      );
    }
    return hydrated;
  }

  private async lock(manager: EntityManager, id: string): Promise<ContactEntity> {
    const contact = await manager.findOne(ContactEntity, {
      where: { id },
      lock: { mode: 'pessimistic_write' },
    });
    if (!contact) throw new DomainError('not_found', `Contact ${id} does not exist`);
    return contact;
  }
}
