import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/**
 * Append-only: one row per state change of an operator (available, reserved, busy, wrap_up, away,
 * offline), drained in batches from the Redis stream the state store appends to atomically with the
 * change. Reports rebuild time per state and occupancy from these rows.
 */
@Entity({ name: 'operator_events' })
@Index('operator_events_operator_at_idx', ['operatorId', 'at'])
@Index('operator_events_at_idx', ['at'])
export class OperatorEventEntity {
  /** The Redis stream entry id: draining the same entry twice writes it once. */
  @PrimaryColumn('text')
  id!: string;

  @Column('uuid', { name: 'operator_id' })
  operatorId!: string;

  @Column('text')
  state!: string;

  @Column('timestamptz')
  at!: Date;

  @Column('text', { nullable: true })
  reason!: string | null;

  @Column('uuid', { name: 'contact_id', nullable: true })
  contactId!: string | null;
}
