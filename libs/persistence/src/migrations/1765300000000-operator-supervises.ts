import { MigrationInterface, QueryRunner } from 'typeorm';

/** The teams a supervisor sees and acts on (docs/realtime.md, "Team scoping"). */
export class OperatorSupervises1765300000000 implements MigrationInterface {
  name = 'OperatorSupervises1765300000000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`ALTER TABLE operators ADD COLUMN supervises jsonb NOT NULL DEFAULT '[]'`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`ALTER TABLE operators DROP COLUMN supervises`);
  }
}
