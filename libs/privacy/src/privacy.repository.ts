import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { FINAL_STATES } from '@centralino/contacts';
import { DatabaseService } from '@centralino/persistence';

/** What an erasure changed, by kind of row. Counts only: never the data itself. */
export interface ErasureCounts {
  contacts: number;
  events: number;
  departmentMessages: number;
  messageNotes: number;
  chatMessages: number;
  webhookReceipts: number;
}

/** Written in place of an erased caller address (the column is NOT NULL and indexed for history). */
export const ERASED_ADDRESS = 'erased';
/** Written in place of an erased free text (message, note, chat line). */
export const ERASED_TEXT = '[erased]';

/**
 * Event data fields that are not personal and that the reports, the event log view and the audit of a
 * contact's journey need (`kind` and `operatorId` are read by the reporting rollup). Every other field
 * (what the caller said, names, numbers, operator notes) is dropped: a new field is personal until
 * someone lists it here.
 */
const KEPT_EVENT_FIELDS = [
  'kind',
  'operatorId',
  'queue',
  'problemType',
  'language',
  'provider',
  'channel',
  'reason',
  'disposition',
  'source',
  'confidence',
  'decision',
  'offerId',
  'priority',
  'position',
  'outcome',
  'field',
  'waitSeconds',
];
/** The triage summary keeps how the contact was classified, not what the caller said. */
const KEPT_TRIAGE_FIELDS = ['source', 'confidence', 'decision', 'alternatives'];
/** A stored webhook answer (replayed to a retried delivery) keeps its ids and state, not its prompts. */
const KEPT_RECEIPT_FIELDS = ['contactId', 'state', 'queue', 'position', 'duplicate'];

const FINAL = [...FINAL_STATES];

/**
 * Erases personal data in place, keeping every row: the contact, its event types and times, its queue,
 * operator and outcome stay, so every report figure is the same before and after (the reporting rollup
 * reads only those). One transaction per batch: a contact is erased entirely or not at all.
 */
@Injectable()
export class PrivacyRepository {
  constructor(private readonly database: DatabaseService) {}

  /** Ended contacts from this address (phone number, or `webchat:<id>`); and its messages. */
  eraseCaller(address: string, now: Date): Promise<ErasureCounts & { activeContacts: number }> {
    return this.database.transaction(async (manager) => {
      const ids = await idsOf(
        manager,
        // A chat customer called back is found by the number they gave too.
        `SELECT id FROM contacts WHERE (from_address = $1 OR callback->>'number' = $1)
           AND state = ANY($2) AND erased_at IS NULL`,
        [address, FINAL],
      );
      const [{ active }] = (await manager.query(
        `SELECT count(*)::int AS active FROM contacts WHERE from_address = $1 AND NOT (state = ANY($2))`,
        [address, FINAL],
      )) as { active: number }[];
      const counts = await this.erase(manager, ids, now, address);
      return { ...counts, activeContacts: active };
    });
  }

  /** Up to `limit` contacts that ended before `horizon`, oldest first (the retention sweep). */
  eraseEndedBefore(horizon: Date, now: Date, limit: number): Promise<ErasureCounts> {
    return this.database.transaction(async (manager) => {
      const ids = await idsOf(
        manager,
        `SELECT id FROM contacts WHERE ended_at < $1 AND erased_at IS NULL AND state = ANY($2)
         ORDER BY ended_at LIMIT $3 FOR UPDATE SKIP LOCKED`,
        [horizon, FINAL, limit],
      );
      return this.erase(manager, ids, now, null);
    });
  }

  private async erase(
    manager: EntityManager,
    contactIds: string[],
    now: Date,
    address: string | null,
  ): Promise<ErasureCounts> {
    const counts: ErasureCounts = {
      contacts: 0,
      events: 0,
      departmentMessages: 0,
      messageNotes: 0,
      chatMessages: 0,
      webhookReceipts: 0,
    };
    // Messages of these contacts, and (on request) any message that gives this address to call back.
    const messageIds = await idsOf(
      manager,
      `UPDATE department_messages
       SET caller_address = $3, caller_name = NULL, callback_address = NULL, text = $4, updated_at = $5
       WHERE (contact_id = ANY($1::uuid[]) OR ($2::text IS NOT NULL AND (caller_address = $2 OR callback_address = $2)))
         AND text <> $4
       RETURNING id`,
      [contactIds, address, ERASED_ADDRESS, ERASED_TEXT, now],
    );
    counts.departmentMessages = messageIds.length;
    if (messageIds.length > 0) {
      counts.messageNotes = await affected(
        manager,
        `UPDATE department_message_notes SET text = $2 WHERE message_id = ANY($1::uuid[]) RETURNING id`,
        [messageIds, ERASED_TEXT],
      );
    }
    if (contactIds.length === 0) return counts;

    // Chat transcripts: a web chat contact's external id is its conversation's id.
    const conversations = await idsOf(
      manager,
      `SELECT external_id AS id FROM contacts WHERE id = ANY($1::uuid[]) AND provider = 'webchat'`,
      [contactIds],
    );
    if (conversations.length > 0) {
      counts.chatMessages = await affected(
        manager,
        `UPDATE chat_messages SET text = $2, options = NULL
         WHERE conversation_id::text = ANY($1::text[]) RETURNING id`,
        [conversations, ERASED_TEXT],
      );
      await manager.query(
        `UPDATE chat_conversations SET customer_name = NULL WHERE id::text = ANY($1::text[])`,
        [conversations],
      );
    }
    counts.events = await affected(
      manager,
      `UPDATE contact_events SET data = ${keepFields('data', '$2')}
       WHERE contact_id = ANY($1::uuid[]) RETURNING id`,
      [contactIds, KEPT_EVENT_FIELDS],
    );
    counts.webhookReceipts = await affected(
      manager,
      `UPDATE webhook_receipts SET response = ${keepFields('response', '$2')}
       WHERE contact_id = ANY($1::uuid[]) RETURNING provider`,
      [contactIds, KEPT_RECEIPT_FIELDS],
    );
    counts.contacts = await affected(
      manager,
      `UPDATE contacts SET from_address = $2, erased_at = $3,
         triage = CASE WHEN triage IS NULL THEN NULL ELSE ${keepFields('triage', '$4')} END,
         callback = CASE WHEN callback IS NULL THEN NULL ELSE callback - 'number' END
       WHERE id = ANY($1::uuid[]) RETURNING id`,
      [contactIds, ERASED_ADDRESS, now, KEPT_TRIAGE_FIELDS],
    );
    return counts;
  }
}

/** SQL for a jsonb object reduced to the listed top-level keys. */
function keepFields(column: string, keysParam: string): string {
  return `COALESCE((SELECT jsonb_object_agg(key, value) FROM jsonb_each(${column}) WHERE key = ANY(${keysParam}::text[])), '{}'::jsonb)`;
}

async function idsOf(manager: EntityManager, sql: string, params: unknown[]): Promise<string[]> {
  const rows = (await manager.query(sql, params)) as { id: string }[] | [{ id: string }[], number];
  return rowsOf(rows).map((row) => String(row.id));
}

async function affected(manager: EntityManager, sql: string, params: unknown[]): Promise<number> {
  return rowsOf(await manager.query(sql, params)).length;
}

/** TypeORM answers an UPDATE … RETURNING on PostgreSQL with [rows, count]; a SELECT with rows. */
function rowsOf(result: unknown): { id: string }[] {
  if (
    Array.isArray(result) &&
    result.length === 2 &&
    Array.isArray(result[0]) &&
    typeof result[1] === 'number'
  ) {
    return result[0] as { id: string }[];
  }
  return result as { id: string }[];
}
