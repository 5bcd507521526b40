import { DepartmentDirectory } from './department-directory';
import { DeliveryRecord, DepartmentMessageRecord, MessageNoteRecord } from './department-message.repository';

/** How a message is shown in the inbox (REST) and sent to a department's tools (webhook, e-mail). */
export function messageView(directory: DepartmentDirectory, message: DepartmentMessageRecord) {
  const inbox = message.departmentId ?? directory.receptionInbox;
  return {
    id: message.id,
    contactId: message.contactId,
    source: message.source,
    department: inbox,
    departmentName: directory.inbox(inbox)?.name ?? inbox,
    recipientId: message.recipientId,
    recipientName: directory.nameOf(message.recipientId),
    caller: {
      name: message.callerName,
      // The department calls back: the inbox is for people allowed to see it, so the number is whole.
      address: message.callerAddress,
      callbackAddress: message.callbackAddress,
    },
    problemType: message.problemType,
    language: message.language,
    text: message.text,
    urgency: message.urgency,
    takenBy: message.takenBy,
    takenAt: message.takenAt,
    createdAt: message.createdAt,
    status: message.status,
    assignee: message.assigneeId ? { id: message.assigneeId, name: message.assigneeName } : null,
    assignedAt: message.assignedAt,
    answeredAt: message.answeredAt,
    doneAt: message.doneAt,
    updatedAt: message.updatedAt,
  };
}

export function noteView(note: MessageNoteRecord) {
  return { author: { id: note.authorId, name: note.authorName }, text: note.text, at: note.at };
}

export function deliveryView(delivery: DeliveryRecord) {
  return {
    id: delivery.id,
    messageId: delivery.messageId,
    channel: delivery.channel,
    department: delivery.departmentId,
    target: delivery.target,
    status: delivery.status,
    attempts: delivery.attempts,
    redrives: delivery.redrives,
    lastError: delivery.lastError,
    lastAttemptAt: delivery.lastAttemptAt,
    deliveredAt: delivery.deliveredAt,
    deadAt: delivery.deadAt,
    createdAt: delivery.createdAt,
  };
}

/** What the operator console needs when the same caller calls again: status, not content. */
export function previousMessageView(directory: DepartmentDirectory, message: DepartmentMessageRecord) {
  const inbox = message.departmentId ?? directory.receptionInbox;
  return {
    id: message.id,
    department: inbox,
    departmentName: directory.inbox(inbox)?.name ?? inbox,
    recipientName: directory.nameOf(message.recipientId),
    status: message.status,
    createdAt: message.createdAt,
    answeredAt: message.answeredAt,
    doneAt: message.doneAt,
  };
}

export type MessageView = ReturnType<typeof messageView>;

/** The plain-text e-mail of a new message. */
export function messageEmail(view: MessageView, inboxUrl: string): { subject: string; text: string } {
  const who = view.caller.name ? `${view.caller.name} (${view.caller.address})` : view.caller.address;
  const subject = `${view.urgency === 'urgent' ? 'URGENT: ' : ''}Message for ${view.recipientName ?? view.departmentName} from ${who}`;
  const lines = [
    `Message for: ${view.recipientName ? `${view.recipientName}, ` : ''}${view.departmentName}`,
    `From: ${who}`,
    ...(view.caller.callbackAddress ? [`Call back on: ${view.caller.callbackAddress}`] : []),
    `Urgency: ${view.urgency}`,
    ...(view.problemType ? [`Problem type: ${view.problemType}`] : []),
    `Taken: ${view.takenAt.toISOString()} (${view.source}${view.takenBy ? `, by ${view.takenBy}` : ''})`,
    '',
    view.text,
    '',
    `Open it in the inbox: ${inboxUrl}`,
    `Message ${view.id}, contact ${view.contactId}`,
  ];
  return { subject, text: lines.join('\n') };
}
