import { MigrationInterface, QueryRunner } from 'typeorm';

export class AuditEntries1765100000000 implements MigrationInterface {
  name = 'AuditEntries1765100000000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`
      CREATE TABLE audit_entries (
        id uuid PRIMARY KEY,
        at timestamptz NOT NULL,
        actor_id uuid,
        actor text NOT NULL,
        actor_role text,
        action text NOT NULL,
        target text,
        details jsonb NOT NULL DEFAULT '{}'
      )`);
    await runner.query(`CREATE INDEX audit_entries_at_idx ON audit_entries (at)`);
    await runner.query(`CREATE INDEX audit_entries_actor_at_idx ON audit_entries (actor, at)`);
    await runner.query(`CREATE INDEX audit_entries_action_at_idx ON audit_entries (action, at)`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`DROP TABLE audit_entries`);
  }
}
