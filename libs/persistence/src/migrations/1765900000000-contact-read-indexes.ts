import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Indexes for the reads of every accept (ContactRepository.consoleContext):
 * - a contact's notes: `contact_id` AND `type = 'note'`. With only (contact_id, at) and (type, at), the
 *   planner, misled by young statistics, ANDs both and scans every note of every contact (0.3-0.5 ms a
 *   call in bench:routing); a partial index of the notes alone is always the one to take.
 * - the caller's previous contacts: `from_address` ordered by `received_at`, so a caller with many
 *   contacts (or a shared withheld number) costs a short index walk, not a sort; it replaces the plain
 *   `from_address` index, its prefix.
 * Built CONCURRENTLY (outside a transaction) so a large table keeps taking writes meanwhile.
 */
export class ContactReadIndexes1765900000000 implements MigrationInterface {
  name = 'ContactReadIndexes1765900000000';
  transaction = false;

  async up(runner: QueryRunner): Promise<void> {
    // An earlier attempt that failed half-way leaves an invalid index of the same name: built again.
    await runner.query(`DROP INDEX CONCURRENTLY IF EXISTS contact_events_note_idx`);
    await runner.query(
      `CREATE INDEX CONCURRENTLY contact_events_note_idx ON contact_events (contact_id, at) WHERE type = 'note'`,
    );
    await runner.query(`DROP INDEX CONCURRENTLY IF EXISTS contacts_from_address_received_idx`);
    await runner.query(
      `CREATE INDEX CONCURRENTLY contacts_from_address_received_idx ON contacts (from_address, received_at)`,
    );
    await runner.query(`DROP INDEX CONCURRENTLY IF EXISTS contacts_from_address_idx`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`CREATE INDEX CONCURRENTLY contacts_from_address_idx ON contacts (from_address)`);
    await runner.query(`DROP INDEX CONCURRENTLY IF EXISTS contacts_from_address_received_idx`);
    await runner.query(`DROP INDEX CONCURRENTLY IF EXISTS contact_events_note_idx`);
  }
}
