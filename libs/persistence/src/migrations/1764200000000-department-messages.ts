import { MigrationInterface, QueryRunner } from 'typeorm';

/** Department messages, their reply notes and their deliveries to the departments' tools (libs/back-office). */
export class DepartmentMessages1764200000000 implements MigrationInterface {
  name = 'DepartmentMessages1764200000000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`
      CREATE TABLE department_messages (
        id uuid PRIMARY KEY,
        contact_id uuid NOT NULL REFERENCES contacts(id),
        source text NOT NULL,
        recipient_id text,
        department_id text,
        caller_address text NOT NULL,
        caller_name text,
        callback_address text,
        problem_type text,
        language text,
        text text NOT NULL,
        urgency text NOT NULL,
        taken_by text,
        taken_at timestamptz NOT NULL,
        created_at timestamptz NOT NULL,
        status text NOT NULL,
        assignee_id text,
        assignee_name text,
        assigned_at timestamptz,
        answered_at timestamptz,
        done_at timestamptz,
        updated_at timestamptz NOT NULL
      )`);
    await runner.query(
      `CREATE UNIQUE INDEX department_messages_contact_uq ON department_messages (contact_id)`,
    );
    await runner.query(
      `CREATE INDEX department_messages_department_idx ON department_messages (department_id, created_at)`,
    );
    await runner.query(`CREATE INDEX department_messages_caller_idx ON department_messages (caller_address)`);
    await runner.query(
      `CREATE INDEX department_messages_callback_idx ON department_messages (callback_address)`,
    );
    await runner.query(`
      CREATE TABLE department_message_notes (
        id bigserial PRIMARY KEY,
        message_id uuid NOT NULL REFERENCES department_messages(id),
        author_id uuid NOT NULL,
        author_name text NOT NULL,
        text text NOT NULL,
        at timestamptz NOT NULL
      )`);
    await runner.query(
      `CREATE INDEX department_message_notes_message_idx ON department_message_notes (message_id, at)`,
    );
    await runner.query(`
      CREATE TABLE message_deliveries (
        id uuid PRIMARY KEY,
        message_id uuid NOT NULL REFERENCES department_messages(id),
        channel text NOT NULL,
        department_id text,
        target text NOT NULL,
        status text NOT NULL,
        attempts integer NOT NULL DEFAULT 0,
        redrives integer NOT NULL DEFAULT 0,
        last_error text,
        last_attempt_at timestamptz,
        delivered_at timestamptz,
        dead_at timestamptz,
        created_at timestamptz NOT NULL
      )`);
    await runner.query(
      `CREATE UNIQUE INDEX message_deliveries_message_channel_uq ON message_deliveries (message_id, channel)`,
    );
    await runner.query(
      `CREATE INDEX message_deliveries_status_idx ON message_deliveries (status, created_at)`,
    );
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`DROP TABLE message_deliveries`);
    await runner.query(`DROP TABLE department_message_notes`);
    await runner.query(`DROP TABLE department_messages`);
  }
}
