import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * A web chat conversation, from the widget's first "start" to its end. Its contact (provider `webchat`,
 * externalId = this id) is created with the customer's first message, which triage needs.
 */
@Entity({ name: 'chat_conversations' })
export class ChatConversationEntity {
  @PrimaryColumn('uuid')
  id!: string;

  @Column('text')
  language!: string;

  @Column('text', { name: 'customer_name', nullable: true })
  customerName!: string | null;

  @Column('timestamptz', { name: 'started_at' })
  startedAt!: Date;
}
