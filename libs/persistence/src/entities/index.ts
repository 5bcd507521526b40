import { ChatConversationEntity } from './chat-conversation.entity';
import { ChatMessageEntity } from './chat-message.entity';
import { ContactEventEntity } from './contact-event.entity';
import { ContactEntity } from './contact.entity';
import { OperatorEntity } from './operator.entity';
import { WebhookReceiptEntity } from './webhook-receipt.entity';

export {
  ChatConversationEntity,
  ChatMessageEntity,
  ContactEventEntity,
  ContactEntity,
  OperatorEntity,
  WebhookReceiptEntity,
};
export const ENTITIES = [
  ChatConversationEntity,
  ChatMessageEntity,
  ContactEntity,
  ContactEventEntity,
  OperatorEntity,
  WebhookReceiptEntity,
];
