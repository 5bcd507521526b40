import { ChatConversationEntity } from './chat-conversation.entity';
import { ChatMessageEntity } from './chat-message.entity';
import { ContactEventEntity } from './contact-event.entity';
import { ContactEntity } from './contact.entity';
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
export const ENTITIES = [
  ChatConversationEntity,
  ChatMessageEntity,
  ContactEntity,
  ContactEventEntity,
  OperatorEntity,
  OperatorEventEntity,
  WebhookReceiptEntity,
];
