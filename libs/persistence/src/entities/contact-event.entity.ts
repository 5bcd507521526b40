import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/** Append-only: one row per state change of a contact. Reports are rebuilt from these rows. */
@Entity({ name: 'contact_events' })
@Index('contact_events_contact_idx', ['contactId', 'at'])
@Index('contact_events_type_at_idx', ['type', 'at'])
@Index('contact_events_note_idx', ['contactId', 'at'], { where: `type = 'note'` })
export class ContactEventEntity {
  @PrimaryGeneratedColumn('increment', { type: 'bigint' })
  id!: string;

  @Column('uuid', { name: 'contact_id' })
  contactId!: string;

  @Column('text')
  type!: string;

  @Column('timestamptz')
  at!: Date;

  @Column('jsonb', { default: {} })
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- free-form jsonb; TypeORM's partial types reject unknown
  data!: Record<string, any>;
}
