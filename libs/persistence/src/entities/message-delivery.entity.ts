import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/**
 * One delivery of a department message to a department's tool (webhook or e-mail): its attempts and
 * outcome. `dead` rows are the dead-letter list admins see and can re-drive.
 */
@Entity({ name: 'message_deliveries' })
@Index('message_deliveries_message_channel_uq', ['messageId', 'channel'], { unique: true })
@Index('message_deliveries_status_idx', ['status', 'createdAt'])
export class MessageDeliveryEntity {
  @PrimaryColumn('uuid')
  id!: string;

  @Column('uuid', { name: 'message_id' })
  messageId!: string;

  @Column('text')
  channel!: 'webhook' | 'email';

  @Column('text', { name: 'department_id', nullable: true })
  departmentId!: string | null;

  /** The URL or the addresses (never the secret). */
  @Column('text')
  target!: string;

  @Column('text')
  status!: 'pending' | 'delivered' | 'dead';

  @Column('integer', { default: 0 })
  attempts!: number;

  /** How many times an admin re-drove it from the dead-letter list. */
  @Column('integer', { default: 0 })
  redrives!: number;

  @Column('text', { name: 'last_error', nullable: true })
  lastError!: string | null;

  @Column('timestamptz', { name: 'last_attempt_at', nullable: true })
  lastAttemptAt!: Date | null;

  @Column('timestamptz', { name: 'delivered_at', nullable: true })
  deliveredAt!: Date | null;

  @Column('timestamptz', { name: 'dead_at', nullable: true })
  deadAt!: Date | null;

  @Column('timestamptz', { name: 'created_at' })
  createdAt!: Date;
}
