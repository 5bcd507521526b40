import { MigrationInterface, QueryRunner } from 'typeorm';

/** Users managed beyond the front-office file, and access-token revocation (docs/operating.md). */
export class UsersAndTokens1765100000001 implements MigrationInterface {
  name = 'UsersAndTokens1765100000001';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`ALTER TABLE operators ADD COLUMN token_version integer NOT NULL DEFAULT 0`);
    await runner.query(`ALTER TABLE operators ADD COLUMN managed_by text NOT NULL DEFAULT 'config'`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`ALTER TABLE operators DROP COLUMN managed_by`);
    await runner.query(`ALTER TABLE operators DROP COLUMN token_version`);
  }
}
