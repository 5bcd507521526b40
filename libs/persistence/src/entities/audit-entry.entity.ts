import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/**
 * Append-only: one row per supervisor or admin action (libs/audit). Rows are never updated; erasing a
 * caller's personal data rewrites only the `target`/`details` that name them (libs/privacy).
 */
@Entity({ name: 'audit_entries' })
@Index('audit_entries_at_idx', ['at'])
@Index('audit_entries_actor_at_idx', ['actor', 'at'])
@Index('audit_entries_action_at_idx', ['action', 'at'])
export class AuditEntryEntity {
  @PrimaryColumn('uuid')
  id!: string;

  @Column('timestamptz')
  at!: Date;

  /** The operator id of the actor; null for the CLI and system jobs. */
  @Column('uuid', { name: 'actor_id', nullable: true })
  actorId!: string | null;

  /** Username of the actor, or `cli` / `system`. */
  @Column('text')
  actor!: string;

  @Column('text', { name: 'actor_role', nullable: true })
  actorRole!: string | null;

  /** Dotted verb, e.g. `user.create`, `contact.move`. */
  @Column('text')
  action!: string;

  /** What was acted on, e.g. `user:giulia`, `contact:<uuid>`. */
  @Column('text', { nullable: true })
  target!: string | null;

  @Column('jsonb', { default: {} })
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- free-form jsonb; TypeORM's partial types reject unknown
  details!: Record<string, any>;
}
