import { MigrationInterface, QueryRunner } from 'typeorm';

/** How many contacts of each channel an operator may hold at once (docs/routing.md, "Capacity"). */
export class OperatorCapacity1765400000000 implements MigrationInterface {
  name = 'OperatorCapacity1765400000000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`ALTER TABLE operators ADD COLUMN voice_capacity integer NOT NULL DEFAULT 1`);
    await runner.query(`ALTER TABLE operators ADD COLUMN chat_capacity integer NOT NULL DEFAULT 3`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`ALTER TABLE operators DROP COLUMN chat_capacity`);
    await runner.query(`ALTER TABLE operators DROP COLUMN voice_capacity`);
  }
}
