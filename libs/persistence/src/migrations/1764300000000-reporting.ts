import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Reporting: the operators' state log (the contacts' log exists already) and the indexes the interval
 * reports need so a month of contacts is read in well under a second (bench/reporting).
 */
export class Reporting1764300000000 implements MigrationInterface {
  name = 'Reporting1764300000000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`
      CREATE TABLE operator_events (
        id text PRIMARY KEY,
        operator_id uuid NOT NULL,
        state text NOT NULL,
        at timestamptz NOT NULL,
        reason text,
        contact_id uuid
      )`);
    await runner.query(`CREATE INDEX operator_events_operator_at_idx ON operator_events (operator_id, at)`);
    await runner.query(`CREATE INDEX operator_events_at_idx ON operator_events (at)`);
    // Reports read every event of the contacts queued in a range: an index-only scan by contact.
    await runner.query(
      `CREATE INDEX contact_events_report_idx ON contact_events (contact_id) INCLUDE (type, at)`,
    );
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`DROP INDEX contact_events_report_idx`);
    await runner.query(`DROP TABLE operator_events`);
  }
}
