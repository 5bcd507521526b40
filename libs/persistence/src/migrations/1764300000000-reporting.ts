import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Reporting: the operators' state log (the contacts' log exists already) with its rollup
 * `operator_state_time`, and `contact_facts`, a rollup
 * of the contact event log (one row per queued contact: the moments the metrics need) that the interval
 * reports group so a month of contacts is counted in well under a second (bench/reporting). The rollup is
 * derived only: a trigger marks a contact stale whenever an event of it is appended (in the same
 * transaction), and reports recompute the stale contacts from their events before reading
 * (libs/reporting ReportRepository.refreshFacts). Marking every contact stale rebuilds it from the log.
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
    // Seconds per operator, state and 15-minute block (UTC-aligned, so local hours and days are sums of
    // blocks in every time zone), added by the drainer for each state span its new events close.
    await runner.query(`
      CREATE TABLE operator_state_time (
        operator_id uuid NOT NULL,
        block_start timestamptz NOT NULL,
        state text NOT NULL,
        seconds double precision NOT NULL,
        PRIMARY KEY (operator_id, block_start, state)
      )`);
    await runner.query(`CREATE INDEX operator_state_time_block_idx ON operator_state_time (block_start)`);
    await runner.query(`
      CREATE TABLE contact_facts (
        contact_id uuid PRIMARY KEY,
        queued_at timestamptz NOT NULL,
        connected_at timestamptz,
        ended_at timestamptz,
        final_state text,
        answer_wait_seconds double precision,
        unanswered_wait_seconds double precision,
        handle_seconds double precision,
        transfers integer NOT NULL DEFAULT 0,
        answered_by text,
        problem_type text,
        channel text NOT NULL
      )`);
    await runner.query(`CREATE INDEX contact_facts_queued_at_idx ON contact_facts (queued_at)`);
    await runner.query(`CREATE TABLE contact_facts_stale (contact_id uuid PRIMARY KEY)`);
    await runner.query(`
      CREATE FUNCTION contact_facts_mark_stale() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        INSERT INTO contact_facts_stale (contact_id) VALUES (NEW.contact_id) ON CONFLICT DO NOTHING;
        RETURN NULL;
      END $$`);
    await runner.query(`
      CREATE TRIGGER contact_events_mark_stale AFTER INSERT ON contact_events
      FOR EACH ROW EXECUTE FUNCTION contact_facts_mark_stale()`);
    // Contacts logged before this migration are rolled up by the first report.
    await runner.query(
      `INSERT INTO contact_facts_stale (contact_id) SELECT DISTINCT contact_id FROM contact_events`,
    );
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`DROP TRIGGER contact_events_mark_stale ON contact_events`);
    await runner.query(`DROP FUNCTION contact_facts_mark_stale()`);
    await runner.query(`DROP TABLE contact_facts_stale`);
    await runner.query(`DROP TABLE contact_facts`);
    await runner.query(`DROP TABLE operator_state_time`);
    await runner.query(`DROP TABLE operator_events`);
  }
}
