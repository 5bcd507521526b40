import { Column, Entity, PrimaryColumn } from 'typeorm';

@Entity({ name: 'operators' })
export class OperatorEntity {
  @PrimaryColumn('uuid')
  id!: string;

  @Column('text', { unique: true })
  username!: string;

  @Column('text', { name: 'display_name' })
  displayName!: string;

  @Column('text', { name: 'password_hash', nullable: true })
  passwordHash!: string | null;

  @Column('text')
  role!: 'operator' | 'supervisor' | 'admin';

  /** Skill id -> level 1..10. */
  @Column('jsonb', { default: {} })
  skills!: Record<string, number>;

  @Column('jsonb', { default: [] })
  languages!: string[];

  @Column('text', { nullable: true })
  team!: string | null;

  @Column('text', { nullable: true })
  endpoint!: string | null;

  /** Voice contacts held at once: 1, or 0 for an operator who only takes chats. */
  @Column('integer', { name: 'voice_capacity', default: 1 })
  voiceCapacity!: number;

  /** Chats held at once, next to at most one call. */
  @Column('integer', { name: 'chat_capacity', default: 3 })
  chatCapacity!: number;

  /** For supervisors: the teams whose operators they see and act on (empty: their own team). */
  @Column('jsonb', { default: [] })
  supervises!: string[];

  @Column('boolean', { default: true })
  active!: boolean;

  /**
   * Bumped on logout, password change, role change and disabling: access tokens carry the version they
   * were issued under, and an older one is refused (libs/auth).
   */
  @Column('integer', { name: 'token_version', default: 0 })
  tokenVersion!: number;

  /**
   * `config` while the front-office file owns the record (updated from it at start-up); `admin` once the
   * admin API or CLI changed it: from then on start-up leaves it alone.
   */
  @Column('text', { name: 'managed_by', default: 'config' })
  managedBy!: 'config' | 'admin';
}
