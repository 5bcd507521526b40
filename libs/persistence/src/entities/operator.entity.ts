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

  @Column('boolean', { default: true })
  active!: boolean;
}
