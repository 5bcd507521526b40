import { ContactEventEntity } from './contact-event.entity';
import { ContactEntity } from './contact.entity';
import { OperatorEventEntity } from './operator-event.entity';
import { OperatorEntity } from './operator.entity';
import { WebhookReceiptEntity } from './webhook-receipt.entity';

export { ContactEventEntity, ContactEntity, OperatorEntity, OperatorEventEntity, WebhookReceiptEntity };
export const ENTITIES = [
  ContactEntity,
  ContactEventEntity,
  OperatorEntity,
  OperatorEventEntity,
  WebhookReceiptEntity,
];
