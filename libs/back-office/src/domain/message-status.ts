import { DomainError } from '@centralino/contacts';

export const MESSAGE_STATUSES = ['new', 'assigned', 'answered', 'done'] as const;
export type MessageStatus = (typeof MESSAGE_STATUSES)[number];

/**
 * The life of a department message: `new` until someone is assigned, `assigned` until the first reply
 * note, `answered` after it, `done` when the department closes it. Pure rules; the service persists.
 */
export class MessageStatusRules {
  /** Assigning (or re-assigning) keeps an answered message answered; a done message is closed. */
  static afterAssign(status: MessageStatus): MessageStatus {
    if (status === 'done') throw new DomainError('conflict', 'The message is done; it cannot be assigned');
    return status === 'new' ? 'assigned' : status;
  }

  /** A reply note answers the message; on a done message it is only recorded. */
  static afterReply(status: MessageStatus): MessageStatus {
    return status === 'done' ? 'done' : 'answered';
  }

  /** Marking done is allowed from any status and is idempotent. */
  static afterDone(): MessageStatus {
    return 'done';
  }
}
