/** Every state a contact can be in. Final states end a contact's journey; each is recorded once. */
export const CONTACT_STATES = [
  'received',
  'triaged',
  'queued',
  'offered',
  'connected',
  'messaging',
  'completed',
  'abandoned',
  'message_taken',
  'overflowed',
  'failed',
  'transferred',
  'closed',
  'calling_back',
  'callback_pending',
  'callback_failed',
] as const;

export type ContactState = (typeof CONTACT_STATES)[number];

export const FINAL_STATES: ReadonlySet<ContactState> = new Set([
  'completed',
  'abandoned',
  'message_taken',
  'overflowed',
  'failed',
  'transferred',
  'closed',
  'callback_failed',
]);

/**
 * The legal moves of a contact. `offered -> queued` is a reject or an offer timeout: the contact goes
 * back to the head of its queue, keeping its place. `messaging`: the caller is leaving a message to the
 * voice flow (out of the waiting line, so no operator is offered it meanwhile); it ends `message_taken`,
 * or `abandoned` if the caller hangs up before saying anything.
 *
 * Callbacks (docs/routing.md, "Callbacks"): a waiting contact with `callback` set stays `queued` in its
 * line (its caller's hang-up changes nothing). Accepting its offer moves it `offered -> calling_back`
 * (the operator holds it while the service calls the customer); answered -> `connected`; not reached ->
 * `callback_pending` (out of the line until its retry timer puts it back at its place: `queued`), or
 * `callback_failed` (final) after the last attempt. Anything not listed is refused.
 */
export const CONTACT_TRANSITIONS: Readonly<Record<ContactState, readonly ContactState[]>> = {
  received: ['triaged', 'messaging', 'abandoned', 'failed'],
  triaged: ['queued', 'messaging', 'abandoned', 'message_taken', 'failed'],
  // transferred: the caller asked for a directory entry with a phone and was put through to it.
  // closed: the queue's rules (out of hours, full, waited too long) announced it and ended it.
  queued: [
    'offered',
    'messaging',
    'abandoned',
    'message_taken',
    'overflowed',
    'failed',
    'transferred',
    'closed',
  ],
  offered: ['queued', 'connected', 'abandoned', 'failed', 'calling_back'],
  // queued: an operator transferred it to a queue or a colleague; transferred: out to a department's phone.
  connected: ['completed', 'failed', 'queued', 'message_taken', 'transferred'],
  messaging: ['message_taken', 'abandoned', 'failed'],
  completed: [],
  abandoned: [],
  message_taken: [],
  overflowed: [],
  failed: [],
  transferred: [],
  closed: [],
  calling_back: ['connected', 'callback_pending', 'callback_failed', 'failed'],
  callback_pending: ['queued', 'callback_failed'],
  callback_failed: [],
};
