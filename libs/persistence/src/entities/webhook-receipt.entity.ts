import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * One row per provider event ever accepted: the idempotency record. A retried delivery finds its row and
 * gets the same answer; nothing is created twice.
 */
@Entity({ name: 'webhook_receipts' })
export class WebhookReceiptEntity {
  @PrimaryColumn('text')
  provider!: string;

  @PrimaryColumn('text', { name: 'event_key' })
  eventKey!: string;

  @Column('uuid', { name: 'contact_id', nullable: true })
  contactId!: string | null;

  @Column('jsonb')
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- free-form jsonb; TypeORM's partial types reject unknown
  response!: Record<string, any>;

  @Column('timestamptz', { name: 'received_at' })
  receivedAt!: Date;
}
