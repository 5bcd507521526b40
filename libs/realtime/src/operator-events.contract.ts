import { z } from 'zod';
import type { ChatLine } from './chat-events.contract';

/**
 * The consoles' socket.io contract, the one source of truth for the server and the pages (documented in
 * docs/realtime.md): the operator console (namespace `/operators`) and the supervisor dashboard
 * (namespace `/supervisors`). Server -> client events carry the payloads below; client -> server messages
 * are validated with the schemas below and answered through the socket.io acknowledgement.
 */
/** Longest note (and completion notes), in characters. */
export const NOTE_MAX_LENGTH = 2000;

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
  /**
   * Set when the customer asked to be called back: accepting places the outbound call to this number
   * (masked) and connects it to the operator's endpoint; `attempt` is 1 for the first call.
   */
  callback: { number: string; attempt: number } | null;
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

/** One note an operator wrote on a contact (a `note` event of kind `operator_note` in its event log). */
export interface ContactNotePayload {
  /** The `clientId` the console sent: a resend with the same id is answered with the same note. */
  id: string;
  contactId: string;
  text: string;
  /** Epoch ms. */
  at: number;
  operatorId: string;
  operatorName: string;
}

/** One earlier contact of the same caller (same address), latest first. */
export interface PreviousContactPayload {
  contactId: string;
  channel: string;
  /** ISO 8601. */
  receivedAt: string;
  state: string;
  problemType: string | null;
  /** The disposition the operator chose on completion, when one did. */
  disposition: string | null;
  /** Display name of the operator who handled it, when one did. */
  operatorName: string | null;
}

/** How many previous contacts of the caller a console is shown. */
export const PREVIOUS_CONTACTS_SHOWN = 5;

/**
 * A contact this operator is handling, with everything the console shows about it: the triage (problem
 * type, confidence and "why"), what the caller said, the notes written so far and the caller's previous
 * contacts. Sent in `snapshot` and `contact.connected` and as the data of `offer.accept`'s answer.
 */
export interface CurrentContactPayload extends ContactPayload {
  problemType: string | null;
  triage: { confidence: number; reasons: string[]; utterance?: string } | null;
  notes: ContactNotePayload[];
  previousContacts: PreviousContactPayload[];
}

/** What `contact.complete`, `contact.transfer` and `contact.take-message` answer, and `contact.ended` says. */
export interface ContactEndedPayload {
  contactId: string;
  /**
   * The contact's state afterwards: its final state (`completed`, `transferred`, `message_taken`,
   * `abandoned`), or `queued` after a transfer to a queue or an operator (it waits again, not with you).
   */
  state: string;
  disposition?: string;
  wrapUpSeconds: number;
  /** Epoch ms when this operator's wrap-up ends and they become available again. */
  wrapUpEndsAt: number;
}

/** Where `contact.transfer` sends a contact. */
export const transferTargetSchema = z.discriminatedUnion('kind', [
  /** Back into a queue (a problem type id), keeping its original enqueue time. */
  z.object({ kind: z.literal('queue'), queue: z.string().min(1).max(64) }),
  /** To one operator, who must be available; falls back to its queue if they do not take it (docs/routing.md). */
  z.object({ kind: z.literal('operator'), operatorId: z.uuid() }),
  /** Out to a directory department's phone number (voice only); the contact ends `transferred`. */
  z.object({ kind: z.literal('department'), departmentId: z.string().min(1).max(64) }),
]);

export type TransferTarget = z.infer<typeof transferTargetSchema>;

/** What a console may choose from (in `snapshot`): configured dispositions, queues and departments. */
export interface ConsoleOptionsPayload {
  /** From the front-office config, `routing.dispositions`. */
  dispositions: { id: string; name: string }[];
  /** Every queue (problem type), for transfers. */
  queues: { id: string; name: string }[];
  /** Directory departments; `phone` false means a call cannot be transferred there (messages only). */
  departments: { id: string; name: string; phone: boolean }[];
}

/** An operator a contact can be transferred to (answer of `transfer.operators`). */
export interface TransferOperatorPayload {
  id: string;
  displayName: string;
  team: string | null;
  state: string;
}

/** A message a supervisor sent to every operator console. */
export interface BroadcastPayload {
  id: string;
  text: string;
  /** Epoch ms. */
  at: number;
  from: { id: string; displayName: string };
}

export interface OperatorServerEvents {
  /** Sent once after the handshake and after every reconnect: everything the console must show. */
  snapshot: {
    operator: { id: string; username: string; displayName: string };
    state: OperatorStatePayload;
    offer: OfferPayload | null;
    /** Every offer pending on this console: a call's next to chats' (each up to the chat capacity). */
    offers: OfferPayload[];
    /** The voice contact (or else the first chat) being handled; kept for older pages, see `contacts`. */
    contact: CurrentContactPayload | null;
    /** Every contact this operator is connected to now (voice first, then chats, oldest first). */
    contacts: CurrentContactPayload[];
    /** Set while the operator is in wrap-up: which contact, and when (epoch ms) it ends. */
    wrapUp: { contactId: string; endsAt: number } | null;
    options: ConsoleOptionsPayload;
  };
  /** A contact is offered to this operator; answer with `offer.accept` or `offer.reject` before `expiresAt`. */
  offer: OfferPayload;
  /**
   * The offer is gone: timed out, taken back because the caller hung up, rejected, or (ring-all) another
   * operator accepted it first.
   */
  'offer.withdrawn': {
    offerId: string;
    reason: 'expired' | 'rejected' | 'caller_hung_up' | 'operator_offline' | 'accepted_elsewhere';
  };
  /** The accepted contact is connected to this operator. */
  'contact.connected': CurrentContactPayload;
  /**
   * The contact is no longer this operator's: the caller hung up, or the operator completed, transferred
   * it or took a message; wrap-up follows until `wrapUpEndsAt`.
   */
  'contact.ended': ContactEndedPayload;
  /** A note was added to one of this operator's contacts (from any of their consoles). */
  'contact.noted': ContactNotePayload;
  /** A supervisor's message to every operator. */
  broadcast: BroadcastPayload;
  /**
   * A supervisor logged this operator out: the state is `offline`, a pending offer went back to its
   * queue, and the server disconnects the socket right after. The page must not reconnect by itself.
   */
  'operator.logged_out': { reason: 'supervisor'; by: string };
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
  /** Appends a note to one of this operator's contacts (connected or in wrap-up); idempotent per `clientId`. */
  'contact.note': z.object({
    contactId: z.uuid(),
    clientId: z.string().min(1).max(64),
    text: z.string().trim().min(1).max(NOTE_MAX_LENGTH),
  }),
  /**
   * Ends this operator's contact with a disposition (one of `options.dispositions`): the call is hung up
   * (a chat is closed), the contact ends `completed`, wrap-up follows. After the caller already hung up,
   * it records the disposition and notes on the completed contact. Idempotent.
   */
  'contact.complete': z.object({
    contactId: z.uuid(),
    disposition: z.string().min(1).max(64),
    notes: z.string().trim().min(1).max(NOTE_MAX_LENGTH).optional(),
  }),
  /** Hands this operator's connected contact to a queue, an operator or a department; wrap-up follows. */
  'contact.transfer': z.object({ contactId: z.uuid(), target: transferTargetSchema }),
  /**
   * Takes a message for a directory department or person (`recipientId`; null = the reception desk) and
   * ends the contact `message_taken` (the call is hung up); wrap-up follows. Idempotent per contact.
   */
  'contact.take-message': z.object({
    contactId: z.uuid(),
    recipientId: z.string().min(1).max(64).nullable(),
    text: z.string().trim().min(1).max(4000),
    urgency: z.enum(['normal', 'urgent']).default('normal'),
    callbackAddress: z.string().trim().min(3).max(64).optional(),
  }),
  /** The operators a contact can be transferred to now (online, not this one), by display name. */
  'transfer.operators': z.object({}),
} as const;

/** The `data` each console message answers with (see docs/realtime.md for the errors). */
export interface OperatorAckData {
  'state.set': OperatorStatePayload;
  'offer.accept': CurrentContactPayload;
  'offer.reject': { offerId: string };
  'contact.note': ContactNotePayload;
  'contact.complete': ContactEndedPayload;
  'contact.transfer': ContactEndedPayload;
  'contact.take-message': ContactEndedPayload;
  'transfer.operators': TransferOperatorPayload[];
}

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
  'contact.noted',
  'broadcast',
  'operator.logged_out',
  'operator.state',
  'chat.message',
  'chat.typing',
  'chat.read',
  'chat.customer_left',
] as const satisfies readonly (keyof OperatorServerEvents)[];

// ---------------------------------------------------------------------------------------------------
// Supervisor dashboard: namespace `/supervisors`, roles supervisor and admin only (checked at the
// handshake). The server pushes throttled snapshots; the dashboard sends the actions below. A supervisor
// sees and acts on the operators of the teams they supervise (`supervises`, else their own `team`);
// an admin on everyone. Every action is recorded in the audit log.
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
  /** Open now by its calendar (docs/routing.md, queue rules); closed: new contacts get its `outOfHours` rule. */
  open: boolean;
  /** Epoch ms when a closed queue opens next; null when open, or when its calendar never opens. */
  nextOpening: number | null;
  /** Contacts being offered to an operator right now (still in the queue until accepted). */
  offered: number;
  /** Epoch ms when the contact at the head of the queue was first queued, or null when none waits. */
  oldestEnqueuedAt: number | null;
  /** Seconds the head of the queue has waited so far (0 when none waits). */
  longestWaitSeconds: number;
  /**
   * Estimated wait (seconds) of a contact that joined the queue now, as callers are told it
   * (docs/routing.md); null when no operator who can take the queue is working.
   */
  estimatedWaitSeconds: number | null;
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
  /** Priority a supervisor gave it within its queue (0 = none): higher is served first (docs/routing.md). */
  priority: number;
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
    /** Online operators (not offline) this dashboard may see (team scoping), by display name. */
    operators: SupervisedOperatorPayload[];
  };
  /** A broadcast any supervisor sent, so every dashboard shows what operators were told. */
  broadcast: BroadcastPayload;
}

/** Highest priority `contact.priority` accepts. */
export const MAX_CONTACT_PRIORITY = 10;

/** Dashboard -> server actions, answered through the acknowledgement with the same `Ack` shape. */
export const supervisorClientSchemas = {
  /** A waiting contact to another queue, keeping its original enqueue time (and its priority). */
  'contact.move': z.object({ contactId: z.uuid(), queue: z.string().min(1).max(64) }),
  /** A waiting contact's priority within its queue: higher first, FIFO among equals; 0 = normal. */
  'contact.priority': z.object({
    contactId: z.uuid(),
    priority: z.number().int().min(0).max(MAX_CONTACT_PRIORITY),
  }),
  /** Sets an online operator away with a reason (a pending offer goes back to its queue). */
  'operator.set-away': z.object({ operatorId: z.uuid(), reason: z.string().trim().min(1).max(100) }),
  /** Logs an operator out: offline, pending offer handed back, consoles told and disconnected. */
  'operator.logout': z.object({ operatorId: z.uuid() }),
  /** A message to every operator console, on every instance (`broadcast` event). */
  broadcast: z.object({ text: z.string().trim().min(1).max(500) }),
} as const;

export type SupervisorClientEvent = keyof typeof supervisorClientSchemas;
export type SupervisorClientPayload<E extends SupervisorClientEvent> = z.infer<
  (typeof supervisorClientSchemas)[E]
>;

/** Where a waiting contact stands after `contact.move` / `contact.priority`. */
export interface WaitingPlacementPayload {
  contactId: string;
  queue: string;
  enqueuedAt: number;
  priority: number;
  /** 1-based position in the queue right after the action (null if it was offered meanwhile). */
  position: number | null;
}

/** The `data` each supervisor action answers with. */
export interface SupervisorAckData {
  'contact.move': WaitingPlacementPayload;
  'contact.priority': WaitingPlacementPayload;
  'operator.set-away': OperatorStatePayload & { operatorId: string };
  'operator.logout': { operatorId: string; state: 'offline' };
  broadcast: BroadcastPayload;
}

export const SUPERVISOR_SERVER_EVENT_NAMES = [
  'queues.snapshot',
  'broadcast',
] as const satisfies readonly (keyof SupervisorServerEvents)[];

export const SUPERVISOR_ROLES = ['supervisor', 'admin'] as const;
