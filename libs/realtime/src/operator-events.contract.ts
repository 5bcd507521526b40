import { z } from 'zod';
import type { ChatLine } from './chat-events.contract';

/**
 * The consoles' socket.io contract, the one source of truth for the server and the pages (documented in
 * docs/realtime.md): the operator console (namespace `/operators`) and the supervisor dashboard
 * (namespace `/supervisors`). Server -> client events carry the payloads below; client -> server messages
 * are validated with the schemas below and answered through the socket.io acknowledgement.
 */
export interface OfferPayload {
  offerId: string;
  contactId: string;
  queue: string;
  channel: string;
  /** Masked caller address, e.g. +39***567. */
  caller: string;
  language: string | null;
  problemType: string | null;
  triage: { confidence: number; reasons: string[]; utterance?: string } | null;
  waitedSeconds: number;
  /** Epoch ms when the offer times out, so a reloaded console shows the right countdown. */
  expiresAt: number;
}

export interface ContactPayload {
  contactId: string;
  channel: string;
  caller: string;
  queue: string | null;
  language: string | null;
  state: string;
  connectedAt: string | null;
}

export interface OperatorStatePayload {
  state: string;
  since: number;
  reason?: string;
}

export interface OperatorServerEvents {
  /** Sent once after the handshake and after every reconnect: everything the console must show. */
  snapshot: {
    operator: { id: string; username: string; displayName: string };
    state: OperatorStatePayload;
    offer: OfferPayload | null;
    contact: ContactPayload | null;
  };
  /** A contact is offered to this operator; answer with `offer.accept` or `offer.reject` before `expiresAt`. */
  offer: OfferPayload;
  /** The offer is gone: timed out, taken back because the caller hung up, or rejected. */
  'offer.withdrawn': {
    offerId: string;
    reason: 'expired' | 'rejected' | 'caller_hung_up' | 'operator_offline';
  };
  /** The accepted contact is connected to this operator. */
  'contact.connected': ContactPayload;
  /** The contact ended (caller hung up or completed); wrap-up follows. */
  'contact.ended': { contactId: string; state: string; wrapUpSeconds: number };
  'operator.state': OperatorStatePayload;
  /** A new line in one of this operator's chats (the customer's, or the bot's). */
  'chat.message': { contactId: string; message: ChatLine };
  /** The customer of this chat is typing (or stopped). */
  'chat.typing': { contactId: string; typing: boolean };
  /** The customer read these operator lines. */
  'chat.read': { contactId: string; messageIds: string[]; at: number };
  /** The customer closed the tab and did not come back within the grace period: close the chat. */
  'chat.customer_left': { contactId: string };
}

export const operatorClientSchemas = {
  'state.set': z.object({ state: z.enum(['available', 'away']), reason: z.string().max(100).optional() }),
  'offer.accept': z.object({ offerId: z.string().min(1) }),
  'offer.reject': z.object({ offerId: z.string().min(1) }),
  /** The whole transcript of one of this operator's chats, bot lines included. */
  'chat.transcript': z.object({ contactId: z.uuid() }),
  /** A line to the customer; `clientId` makes a resend idempotent. */
  'chat.send': z.object({
    contactId: z.uuid(),
    clientId: z.string().min(1).max(64),
    text: z.string().trim().min(1),
  }),
  'chat.typing': z.object({ contactId: z.uuid(), typing: z.boolean() }),
  /** The operator has read the customer's lines up to this one. */
  'chat.read': z.object({ contactId: z.uuid(), upTo: z.uuid() }),
  /** The operator ends the chat: completed, then wrap-up. */
  'chat.close': z.object({ contactId: z.uuid() }),
} as const;

export type OperatorClientEvent = keyof typeof operatorClientSchemas;
export type OperatorClientPayload<E extends OperatorClientEvent> = z.infer<(typeof operatorClientSchemas)[E]>;

/** Every acknowledgement has this shape, so consoles handle errors one way. */
export type Ack<T = unknown> =
  { ok: true; data: T } | { ok: false; error: { code: string; message: string } };

export const OPERATORS_NAMESPACE = '/operators';

export function operatorRoom(operatorId: string): string {
  return `operator:${operatorId}`;
}

/** Every event the server sends on `/operators`, for the pages and for the contract's tests. */
export const OPERATOR_SERVER_EVENT_NAMES = [
  'snapshot',
  'offer',
  'offer.withdrawn',
  'contact.connected',
  'contact.ended',
  'operator.state',
  'chat.message',
  'chat.typing',
  'chat.read',
  'chat.customer_left',
] as const satisfies readonly (keyof OperatorServerEvents)[];

// ---------------------------------------------------------------------------------------------------
// Supervisor dashboard: namespace `/supervisors`, roles supervisor and admin only (checked at the
// handshake). Read-only for now: the server pushes throttled snapshots, the dashboard sends nothing.
// ---------------------------------------------------------------------------------------------------

export const SUPERVISORS_NAMESPACE = '/supervisors';

/** How often (ms) each instance pushes `queues.snapshot` to the dashboards connected to it. */
export const QUEUES_SNAPSHOT_INTERVAL_MS = 1000;

/** Operator states as a dashboard counts them (the routing states). */
export type OperatorStateCounts = Record<
  'available' | 'reserved' | 'busy' | 'wrap_up' | 'away' | 'offline',
  number
>;

export interface QueueStatsPayload {
  /** The problem type id, which is also the queue id. */
  id: string;
  name: string;
  /** Contacts waiting now (not yet offered). */
  waiting: number;
  /** Contacts being offered to an operator right now (still in the queue until accepted). */
  offered: number;
  /** Epoch ms when the contact at the head of the queue was first queued, or null when none waits. */
  oldestEnqueuedAt: number | null;
  /** Seconds the head of the queue has waited so far (0 when none waits). */
  longestWaitSeconds: number;
  /** Online operators with this queue's skill, by state. */
  operators: OperatorStateCounts;
  /** Today's figures for the queue (refreshed every few seconds). */
  today: QueueTodayPayload;
  /** The first WAITING_CONTACTS_SHOWN waiting contacts, head first. */
  waitingContacts: WaitingContactPayload[];
}

/** How many waiting contacts per queue a snapshot lists. */
export const WAITING_CONTACTS_SHOWN = 10;

export interface WaitingContactPayload {
  contactId: string;
  /** Epoch ms when the contact was first queued (kept through re-offers). */
  enqueuedAt: number;
  waitedSeconds: number;
  language: string | null;
}

/** Today's figures of a queue, over the contacts queued since midnight in the front office's time zone. */
export interface QueueTodayPayload {
  /** Epoch ms of that midnight. */
  since: number;
  /** The queue's service-level target (seconds from queued to answered). */
  targetSeconds: number;
  /** Contacts connected to an operator. */
  answered: number;
  answeredWithinTarget: number;
  /** Contacts whose caller hung up before being connected. */
  abandoned: number;
  /** Of those, hung up within `reporting.shortAbandonSeconds` of being queued (not in the rate). */
  shortAbandons: number;
  /** answeredWithinTarget / answered, in percent with one decimal; null before the first answer. */
  serviceLevelPercent: number | null;
  /** Average seconds from queued to answered (ASA); null before the first answer. */
  averageSpeedOfAnswerSeconds: number | null;
  /**
   * (abandoned − shortAbandons) / (answered + abandoned − shortAbandons), in percent with one decimal;
   * null when that is 0/0. Definitions: docs/reporting.md.
   */
  abandonmentRatePercent: number | null;
}

export interface SupervisedOperatorPayload {
  id: string;
  username: string;
  displayName: string;
  team: string | null;
  state: string;
  /** Epoch ms of the last state change. */
  since: number;
  reason?: string;
  /** The operator's skill ids (a queue needs its problem type's skill). */
  skills: string[];
}

export interface SupervisorServerEvents {
  /**
   * Sent on connect, then about once a second (QUEUES_SNAPSHOT_INTERVAL_MS) while the dashboard is
   * connected: the whole picture, so a dashboard never needs deltas to be right.
   */
  'queues.snapshot': {
    /** Epoch ms on the server when the snapshot was taken. */
    at: number;
    queues: QueueStatsPayload[];
    /** Online operators (not offline), by display name. */
    operators: SupervisedOperatorPayload[];
  };
}

export const SUPERVISOR_SERVER_EVENT_NAMES = [
  'queues.snapshot',
] as const satisfies readonly (keyof SupervisorServerEvents)[];

export const SUPERVISOR_ROLES = ['supervisor', 'admin'] as const;
