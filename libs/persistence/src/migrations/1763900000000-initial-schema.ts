import { MigrationInterface, QueryRunner } from 'typeorm';

export class InitialSchema1763900000000 implements MigrationInterface {
  name = 'InitialSchema1763900000000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`
      CREATE TABLE contacts (
        id uuid PRIMARY KEY,
        channel text NOT NULL,
        provider text NOT NULL,
        external_id text NOT NULL,
        from_address text NOT NULL,
        to_address text NOT NULL,
        state text NOT NULL,
        problem_type text,
        language text,
        triage jsonb,
        operator_id uuid,
        received_at timestamptz NOT NULL,
        queued_at timestamptz,
        connected_at timestamptz,
        ended_at timestamptz
      )`);
    await runner.query(
      `CREATE UNIQUE INDEX contacts_provider_external_id_uq ON contacts (provider, external_id)`,
    );
    await runner.query(`CREATE INDEX contacts_state_idx ON contacts (state)`);
    await runner.query(`CREATE INDEX contacts_from_address_idx ON contacts (from_address)`);
    await runner.query(`
      CREATE TABLE contact_events (
        id bigserial PRIMARY KEY,
        contact_id uuid NOT NULL REFERENCES contacts(id),
        type text NOT NULL,
        at timestamptz NOT NULL,
        data jsonb NOT NULL DEFAULT '{}'
      )`);
    await runner.query(`CREATE INDEX contact_events_contact_idx ON contact_events (contact_id, at)`);
    await runner.query(`CREATE INDEX contact_events_type_at_idx ON contact_events (type, at)`);
    await runner.query(`
      CREATE TABLE operators (
        id uuid PRIMARY KEY,
        username text NOT NULL UNIQUE,
        display_name text NOT NULL,
        password_hash text,
        role text NOT NULL,
        skills jsonb NOT NULL DEFAULT '{}',
        languages jsonb NOT NULL DEFAULT '[]',
        team text,
        endpoint text,
        active boolean NOT NULL DEFAULT true
      )`);
    await runner.query(`
      CREATE TABLE webhook_receipts (
        provider text NOT NULL,
        event_key text NOT NULL,
        contact_id uuid,
        response jsonb NOT NULL,
        received_at timestamptz NOT NULL,
        PRIMARY KEY (provider, event_key)
      )`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`DROP TABLE webhook_receipts`);
    await runner.query(`DROP TABLE operators`);
    await runner.query(`DROP TABLE contact_events`);
    await runner.query(`DROP TABLE contacts`);
  }
}
