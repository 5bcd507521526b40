import { ContactEventEntity } from './contact-event.entity';
import { ContactEntity } from './contact.entity';
import { OperatorEntity } from './operator.entity';
import { WebhookReceiptEntity } from './webhook-receipt.entity';

export { ContactEventEntity, ContactEntity, OperatorEntity, WebhookReceiptEntity };
export const ENTITIES = [ContactEntity, ContactEventEntity, OperatorEntity, WebhookReceiptEntity];
