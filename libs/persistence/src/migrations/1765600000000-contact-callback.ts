import { MigrationInterface, QueryRunner } from 'typeorm';

/** A contact's requested callback: the number to call and the attempts made (docs/routing.md, "Callbacks"). */
export class ContactCallback1765600000000 implements MigrationInterface {
  name = 'ContactCallback1765600000000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`ALTER TABLE contacts ADD COLUMN callback jsonb`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`ALTER TABLE contacts DROP COLUMN callback`);
  }
}
