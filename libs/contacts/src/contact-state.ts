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
]);

/**
 * The legal moves of a contact. `offered -> queued` is a reject or an offer timeout: the contact goes
 * back to the head of its queue, keeping its place. `messaging`: the caller is leaving a message to the
 * voice flow (out of the waiting line, so no operator is offered it meanwhile); it ends `message_taken`,
 * or `abandoned` if the caller hangs up before saying anything. Anything not listed is refused.
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
  offered: ['queued', 'connected', 'abandoned', 'failed'],
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
};
