import { z } from 'zod';

/**
 * The web chat widget's socket.io contract (namespace `/chat`), one source of truth for the server, the
 * widget and docs/chat.md. Customers are anonymous: a conversation is resumed with the `resumeToken`
 * the server gave at `chat.start` (handshake `auth: { resumeToken }`); a forged token is refused at the
 * handshake. Client messages are validated with the schemas below and answered through the socket.io
 * acknowledgement (`{ ok: true, data } | { ok: false, error: { code, message } }`).
 */
export const CHAT_NAMESPACE = '/chat';

export function conversationRoom(conversationId: string): string {
  return `chat:${conversationId}`;
}

/** A quick-reply button under a bot message; its value goes back as `chat.send`'s `reply`. */
export interface QuickReply {
  label: string;
  /** A problem type id, or `person` (talk to a person: the reception queue). */
  value: string;
}

/** One transcript line. Text is plain text: pages render it as text, never as markup. */
export interface ChatLine {
  id: string;
  author: 'customer' | 'bot' | 'operator';
  text: string;
  /** Epoch ms. */
  at: number;
  /** The operator's display name on operator lines. */
  operatorName?: string;
  options?: QuickReply[];
  /** Epoch ms when the other side read it, or null. */
  readAt: number | null;
}

/** Where the customer stands. */
export interface ChatStatus {
  /**
   * triage: the bot is finding out what they need; waiting: queued; talking: with an operator; message:
   * the queue is closed or full (or the wait too long), the widget shows the leave-a-message form.
   */
  state: 'triage' | 'waiting' | 'talking' | 'message' | 'ended';
  position: number | null;
  /** Seconds, with a range; null when unknown (nobody who can answer is logged in). */
  estimatedWait: { low: number; expected: number; high: number } | null;
  operatorName?: string;
  /** The queue is closed or full: the widget offers to leave a message instead (state `message`). */
  canLeaveMessage?: boolean;
  /** Why a message is asked for: out of hours, or the queue is full or the wait too long. */
  messageReason?: 'out_of_hours' | 'overflow';
  /** While waiting: the widget may offer "call me back" (`chat.callback`), keeping the place. */
  canRequestCallback?: boolean;
  /** A callback was requested: the number (masked) the customer will be called on when their turn comes. */
  callback?: { number: string };
}

export interface CustomerServerEvents {
  /** After `chat.start` and after every resumed connection: everything the widget must show. */
  'chat.snapshot': { conversationId: string; language: string; status: ChatStatus; transcript: ChatLine[] };
  /** A new bot or operator line (and the customer's own lines, to their other tabs). */
  'chat.message': ChatLine;
  /** The customer's position, estimated wait or state changed. */
  'chat.status': ChatStatus;
  /** The operator is typing (or stopped). */
  'chat.typing': { typing: boolean };
  /** The operator read these customer lines. */
  'chat.read': { messageIds: string[]; at: number };
  /** Something the widget should tell the customer, e.g. they are sending too fast. */
  'chat.notice': { code: string; message: string; retryAfterMs?: number };
}

export const CUSTOMER_SERVER_EVENT_NAMES = [
  'chat.snapshot',
  'chat.message',
  'chat.status',
  'chat.typing',
  'chat.read',
  'chat.notice',
] as const satisfies readonly (keyof CustomerServerEvents)[];

const language = z.string().regex(/^[a-z]{2}$/);

export const customerClientSchemas = {
  /** Opens a conversation: answered with `{ conversationId, resumeToken }`, then a `chat.snapshot`. */
  'chat.start': z.object({ language: language.optional(), name: z.string().trim().max(80).optional() }),
  /**
   * A customer line. `clientId` makes a resend idempotent. `reply` is a quick reply's value. The length
   * limit (front-office `chat.maxMessageLength`) is checked by the server with a clear error.
   */
  'chat.send': z.object({
    clientId: z.string().min(1).max(64),
    text: z.string().trim().min(1),
    reply: z.string().max(64).optional(),
  }),
  'chat.typing': z.object({ typing: z.boolean() }),
  /** The customer has read the lines up to this one. */
  'chat.read': z.object({ upTo: z.uuid() }),
  /** The customer closes the conversation. */
  'chat.end': z.object({}),
  /**
   * The leave-a-message form (status `message`): becomes a department message, the conversation ends
   * `message_taken`. `contact` is a phone number or an e-mail address to be answered on. Idempotent.
   */
  'chat.leave-message': z.object({
    name: z.string().trim().min(1).max(80),
    contact: z
      .string()
      .trim()
      .max(120)
      .refine((value) => /^\+?[0-9][0-9 ().-]{4,24}$/.test(value) || z.email().safeParse(value).success, {
        message: 'a phone number or an e-mail address',
      }),
    text: z.string().trim().min(1),
  }),
  /**
   * "Call me back" while waiting: the customer is called on `number` (E.164, checked by the server with
   * a clear error) when their turn comes, keeping their place in the queue. Answered with the status.
   */
  'chat.callback': z.object({ number: z.string().trim().min(3).max(32) }),
} as const;

export type CustomerClientEvent = keyof typeof customerClientSchemas;
