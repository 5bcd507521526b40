import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/** Append-only: a reply note on a department message, with its author and time. */
@Entity({ name: 'department_message_notes' })
@Index('department_message_notes_message_idx', ['messageId', 'at'])
export class DepartmentMessageNoteEntity {
  @PrimaryGeneratedColumn('increment', { type: 'bigint' })
  id!: string;

  @Column('uuid', { name: 'message_id' })
  messageId!: string;

  /** The operator (user) who wrote it. */
  @Column('uuid', { name: 'author_id' })
  authorId!: string;

  @Column('text', { name: 'author_name' })
  authorName!: string;

  @Column('text')
  text!: string;

  @Column('timestamptz')
  at!: Date;
}
