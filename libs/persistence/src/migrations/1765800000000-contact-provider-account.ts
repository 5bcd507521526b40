import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The provider account a contact came in on (several Twilio accounts, Vonage applications...: docs/
 * providers/README.md). Null for the contacts before it: they belong to the default account.
 */
export class ContactProviderAccount1765800000000 implements MigrationInterface {
  name = 'ContactProviderAccount1765800000000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`ALTER TABLE contacts ADD COLUMN provider_account text`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`ALTER TABLE contacts DROP COLUMN provider_account`);
  }
}
