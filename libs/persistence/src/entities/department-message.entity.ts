import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/**
 * A message taken for a department or person (libs/back-office): one per contact at most, so a retried
 * hand-over never creates a second one. `departmentId` null is the reception inbox.
 */
@Entity({ name: 'department_messages' })
@Index('department_messages_contact_uq', ['contactId'], { unique: true })
@Index('department_messages_department_idx', ['departmentId', 'createdAt'])
@Index('department_messages_caller_idx', ['callerAddress'])
@Index('department_messages_callback_idx', ['callbackAddress'])
export class DepartmentMessageEntity {
  @PrimaryColumn('uuid')
  id!: string;

  @Column('uuid', { name: 'contact_id' })
  contactId!: string;

  @Column('text')
  source!: string;

  /** The directory id the message is for (a department or a person), as given. */
  @Column('text', { name: 'recipient_id', nullable: true })
  recipientId!: string | null;

  /** The inbox it is in: the recipient's department; null = reception. */
  @Column('text', { name: 'department_id', nullable: true })
  departmentId!: string | null;

  @Column('text', { name: 'caller_address' })
  callerAddress!: string;

  @Column('text', { name: 'caller_name', nullable: true })
  callerName!: string | null;

  @Column('text', { name: 'callback_address', nullable: true })
  callbackAddress!: string | null;

  @Column('text', { name: 'problem_type', nullable: true })
  problemType!: string | null;

  @Column('text', { nullable: true })
  language!: string | null;

  @Column('text')
  text!: string;

  @Column('text')
  urgency!: 'normal' | 'urgent';

  @Column('text', { name: 'taken_by', nullable: true })
  takenBy!: string | null;

  @Column('timestamptz', { name: 'taken_at' })
  takenAt!: Date;

  @Column('timestamptz', { name: 'created_at' })
  createdAt!: Date;

  /** new -> assigned -> answered -> done (done may come from any state). */
  @Column('text')
  status!: 'new' | 'assigned' | 'answered' | 'done';

  @Column('text', { name: 'assignee_id', nullable: true })
  assigneeId!: string | null;

  @Column('text', { name: 'assignee_name', nullable: true })
  assigneeName!: string | null;

  @Column('timestamptz', { name: 'assigned_at', nullable: true })
  assignedAt!: Date | null;

  @Column('timestamptz', { name: 'answered_at', nullable: true })
  answeredAt!: Date | null;

  @Column('timestamptz', { name: 'done_at', nullable: true })
  doneAt!: Date | null;

  @Column('timestamptz', { name: 'updated_at' })
  updatedAt!: Date;
}
