import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import type { CallbackRequest, Channel, ContactState, TriageSummary } from '@centralino/contacts';

@Entity({ name: 'contacts' })
@Index('contacts_provider_external_id_uq', ['provider', 'externalId'], { unique: true })
@Index('contacts_state_idx', ['state'])
@Index('contacts_from_address_received_idx', ['fromAddress', 'receivedAt'])
export class ContactEntity {
  @PrimaryColumn('uuid')
  id!: string;

  @Column('text')
  channel!: Channel;

  @Column('text')
  provider!: string;

  @Column('text', { name: 'external_id' })
  externalId!: string;

  @Column('text', { name: 'provider_account', nullable: true })
  providerAccount!: string | null;

  @Column('text', { name: 'from_address' })
  fromAddress!: string;

  @Column('text', { name: 'to_address' })
  toAddress!: string;

  @Column('text')
  state!: ContactState;

  @Column('text', { name: 'problem_type', nullable: true })
  problemType!: string | null;

  @Column('text', { nullable: true })
  language!: string | null;

  @Column('jsonb', { nullable: true })
  triage!: TriageSummary | null;

  @Column('uuid', { name: 'operator_id', nullable: true })
  operatorId!: string | null;

  @Column('timestamptz', { name: 'received_at' })
  receivedAt!: Date;

  @Column('timestamptz', { name: 'queued_at', nullable: true })
  queuedAt!: Date | null;

  @Column('timestamptz', { name: 'connected_at', nullable: true })
  connectedAt!: Date | null;

  @Column('timestamptz', { name: 'ended_at', nullable: true })
  endedAt!: Date | null;

  @Column('jsonb', { nullable: true })
  callback!: CallbackRequest | null;
}
