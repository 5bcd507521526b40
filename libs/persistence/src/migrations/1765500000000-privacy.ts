import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * When a contact's personal data was erased (on request or by the retention sweep); the partial index
 * is what the sweep scans: ended contacts not erased yet, oldest first.
 */
export class Privacy1765500000000 implements MigrationInterface {
  name = 'Privacy1765500000000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`ALTER TABLE contacts ADD COLUMN erased_at timestamptz`);
    await runner.query(
      `CREATE INDEX contacts_retention_idx ON contacts (ended_at) WHERE erased_at IS NULL AND ended_at IS NOT NULL`,
    );
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`DROP INDEX contacts_retention_idx`);
    await runner.query(`ALTER TABLE contacts DROP COLUMN erased_at`);
  }
}
