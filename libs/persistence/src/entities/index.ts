import { AuditEntryEntity } from './audit-entry.entity';
import { ChatConversationEntity } from './chat-conversation.entity';
import { ChatMessageEntity } from './chat-message.entity';
import { ContactEventEntity } from './contact-event.entity';
import { ContactEntity } from './contact.entity';
import { DepartmentMessageNoteEntity } from './department-message-note.entity';
import { DepartmentMessageEntity } from './department-message.entity';
import { MessageDeliveryEntity } from './message-delivery.entity';
import { OperatorEventEntity } from './operator-event.entity';
import { OperatorEntity } from './operator.entity';
import { WebhookReceiptEntity } from './webhook-receipt.entity';

export {
  ChatConversationEntity,
  ChatMessageEntity,
  ContactEventEntity,
  ContactEntity,
  OperatorEntity,
  OperatorEventEntity,
  WebhookReceiptEntity,
};
export { AuditEntryEntity };
export { DepartmentMessageEntity, DepartmentMessageNoteEntity, MessageDeliveryEntity };
export const ENTITIES = [
  ChatConversationEntity,
  ChatMessageEntity,
  ContactEntity,
  ContactEventEntity,
  OperatorEntity,
  OperatorEventEntity,
  WebhookReceiptEntity,
  // Department messages (libs/back-office).
  DepartmentMessageEntity,
  DepartmentMessageNoteEntity,
  MessageDeliveryEntity,
  // Audit log (libs/audit).
  AuditEntryEntity,
];
