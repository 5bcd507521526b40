import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/** One line of a chat transcript: what the customer, the bot or the operator wrote, as plain text. */
@Entity({ name: 'chat_messages' })
@Index('chat_messages_conversation_idx', ['conversationId', 'at'])
@Index('chat_messages_client_uq', ['conversationId', 'clientId'], { unique: true })
export class ChatMessageEntity {
  @PrimaryColumn('uuid')
  id!: string;

  @Column('uuid', { name: 'conversation_id' })
  conversationId!: string;

  @Column('text')
  author!: 'customer' | 'bot' | 'operator';

  @Column('uuid', { name: 'operator_id', nullable: true })
  operatorId!: string | null;

  /** The sender's own id for the message, so a resent message is stored once. */
  @Column('text', { name: 'client_id', nullable: true })
  clientId!: string | null;

  @Column('text')
  text!: string;

  /** Quick replies the bot offered with this message (a clarifying question's options). */
  @Column('jsonb', { nullable: true })
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- free-form jsonb
  options!: any;

  @Column('timestamptz')
  at!: Date;

  @Column('timestamptz', { name: 'read_at', nullable: true })
  readAt!: Date | null;
}
