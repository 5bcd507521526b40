import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A console's note (or disposition) carries a client id so a resend is not written twice; this unique
 * index is what guarantees it, in one INSERT ... ON CONFLICT instead of a locked read-then-write.
 * Duplicates cannot exist (the old code wrote under a row lock), but any are removed first, oldest kept.
 */
export class NoteClientId1765750000000 implements MigrationInterface {
  name = 'NoteClientId1765750000000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`
      DELETE FROM contact_events e USING contact_events older
      WHERE e.type = 'note' AND older.type = 'note' AND e.contact_id = older.contact_id
        AND e.data->>'clientId' IS NOT NULL
        AND e.data->>'kind' = older.data->>'kind' AND e.data->>'clientId' = older.data->>'clientId'
        AND older.id < e.id`);
    await runner.query(`
      CREATE UNIQUE INDEX contact_events_note_client_id_uq
      ON contact_events (contact_id, (data->>'kind'), (data->>'clientId'))
      WHERE type = 'note' AND data->>'clientId' IS NOT NULL`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`DROP INDEX contact_events_note_client_id_uq`);
  }
}
