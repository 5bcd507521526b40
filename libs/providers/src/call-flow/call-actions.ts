/**
 * What the call flow wants done with a call, independent of any provider. A renderer turns a list of
 * actions into a response body (TwiML, NCCO); a command client sends them over REST (Telnyx).
 */

/** Where the provider must report back after an action: each adapter maps a step to its own URL. */
export type CallStep = 'gathered' | 'wait' | 'queue-result' | 'dial-result' | 'message' | 'callback';

/** What the voice message flow asks for, in this order: the caller's name, why they call, a number. */
export const MESSAGE_FIELDS = ['name', 'text', 'callback'] as const;
export type MessageField = (typeof MESSAGE_FIELDS)[number];

export interface SayAction {
  type: 'say';
  text: string;
  /** Two-letter language code (it, en...); renderers map it to the provider's locale. */
  language: string;
}

export interface GatherAction {
  type: 'gather';
  input: ('dtmf' | 'speech')[];
  /** Digits that end the menu input (1 for a one-digit menu). */
  numDigits: number;
  timeoutSeconds: number;
  /** Speech recognition language (two-letter code). */
  language: string;
  /** Words the recogniser should expect: problem type keywords and names. */
  hints: string[];
  /** Played while the caller may already answer (barge-in). */
  prompt: SayAction | null;
  /**
   * Reported to even when the caller said and pressed nothing (triage then uses the reception queue; the
   * message flow goes on without that answer; the hold loop's `callback` gather goes on holding).
   */
  next: 'gathered' | 'message' | 'callback';
  /** The answer a `message` gather collects; renderers put it in the report URL (`?field=name`). */
  field?: MessageField;
  /** A key that ends digit input (`#` for a phone number of any length). */
  finishOnKey?: string;
  /**
   * Which gather of the call this is: 1 for the menu, 2+ for clarifying questions. Renderers put it in
   * the report URL (`?attempt=2`), so the answer to a question is a new event, not a retried one.
   */
  attempt?: number;
}

export interface EnqueueAction {
  type: 'enqueue';
  /** The provider-side holding room: the problem type id (one queue per problem type). */
  queue: string;
  contactId: string;
  /** Fetched while the caller waits, and again each time it has been played (position, pause). */
  wait: 'wait';
  /** Reported to when the caller leaves the holding room (hang-up, bridged, redirected...). */
  next: 'queue-result';
  /**
   * Providers without a wait URL (Vonage, Telnyx), when a callback can be offered: the hold loop that
   * takes the callback key while the caller waits (a one-key gather reported to `callback`, whose answer
   * is the next round). Vonage holds the caller in it instead of the holding conversation (which takes no
   * key); Telnyx runs it on the call parked in its queue.
   */
  keyLoop?: GatherAction;
}

export interface PauseAction {
  type: 'pause';
  seconds: number;
}

/** A `client:` identity, a phone number or a SIP URI, from the operator's profile (`endpoint`). */
export type OperatorEndpoint =
  { kind: 'client'; identity: string } | { kind: 'phone'; number: string } | { kind: 'sip'; uri: string };

export interface ConnectAction {
  type: 'connect';
  endpoint: OperatorEndpoint;
  contactId: string;
  /** How long the operator's endpoint may ring. */
  timeoutSeconds: number;
  next: 'dial-result';
}

export interface HangupAction {
  type: 'hangup';
}

/**
 * Out of centralino to an external number (a directory entry's phone): the provider dials it and bridges
 * the caller; centralino's part of the call ends (the contact is `transferred`).
 */
export interface TransferAction {
  type: 'transfer';
  number: string;
  contactId: string;
  /** How long the number may ring before the caller hears an apology. */
  timeoutSeconds: number;
  next: 'dial-result';
}

export type CallAction =
  SayAction | GatherAction | EnqueueAction | PauseAction | ConnectAction | TransferAction | HangupAction;

/**
 * The operator's endpoint as written in the front-office file: `client:giulia`, `sip:giulia@pbx.example`,
 * `+390212345678`. Without one, the operator's username is used as a client identity.
 */
export function parseOperatorEndpoint(
  endpoint: string | null | undefined,
  username: string,
): OperatorEndpoint {
  const value = endpoint?.trim();
  if (!value) return { kind: 'client', identity: username };
  if (/^client:/i.test(value)) return { kind: 'client', identity: value.slice('client:'.length) };
  if (/^sips?:/i.test(value)) return { kind: 'sip', uri: value };
  if (/^\+?[0-9][0-9 ().-]{2,}$/.test(value)) return { kind: 'phone', number: value.replace(/[ ().-]/g, '') };
  return { kind: 'client', identity: value };
}

/**
 * The report URL of a gather: `?attempt=N` for a clarifying question (N > 1), `?field=...` for an
 * answer of the message flow.
 */
export function reportUrl(url: string, gather: Pick<GatherAction, 'attempt' | 'field'>): string {
  const query = new URLSearchParams();
  if (gather.attempt && gather.attempt > 1) query.set('attempt', String(gather.attempt));
  if (gather.field) query.set('field', gather.field);
  const search = query.toString();
  if (!search) return url;
  return `${url}${url.includes('?') ? '&' : '?'}${search}`;
}
