import { MigrationInterface, QueryRunner } from 'typeorm';

export class ChatTranscripts1764700000000 implements MigrationInterface {
  name = 'ChatTranscripts1764700000000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`
      CREATE TABLE chat_conversations (
        id uuid PRIMARY KEY,
        language text NOT NULL,
        customer_name text,
        started_at timestamptz NOT NULL
      )`);
    await runner.query(`
      CREATE TABLE chat_messages (
        id uuid PRIMARY KEY,
        conversation_id uuid NOT NULL REFERENCES chat_conversations (id) ON DELETE CASCADE,
        author text NOT NULL,
        operator_id uuid,
        client_id text,
        text text NOT NULL,
        options jsonb,
        at timestamptz NOT NULL,
        read_at timestamptz
      )`);
    await runner.query(`CREATE INDEX chat_messages_conversation_idx ON chat_messages (conversation_id, at)`);
    await runner.query(
      `CREATE UNIQUE INDEX chat_messages_client_uq ON chat_messages (conversation_id, client_id)`,
    );
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`DROP TABLE chat_messages`);
    await runner.query(`DROP TABLE chat_conversations`);
  }
}
