import { z } from 'zod';

/**
 * The operator console's socket.io contract (namespace `/operators`), the one source of truth for the
 * server and the pages. Server -> console events carry the payloads below; console -> server messages
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
}

export const operatorClientSchemas = {
  'state.set': z.object({ state: z.enum(['available', 'away']), reason: z.string().max(100).optional() }),
  'offer.accept': z.object({ offerId: z.string().min(1) }),
  'offer.reject': z.object({ offerId: z.string().min(1) }),
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
