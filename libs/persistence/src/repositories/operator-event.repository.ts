import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { DatabaseService } from '../database.service';
import { OperatorEventEntity } from '../entities';

export interface NewOperatorEvent {
  id: string;
  operatorId: string;
  state: string;
  at: Date;
  reason: string | null;
  contactId: string | null;
}

/** Serializes the writers of the state-time rollup (drainers in several worker processes). */
const ROLLUP_LOCK_ID = 7_240_312;

/**
 * Adds the state spans that end at the events `fresh` (ids) selects — each event closes its operator's
 * previous span — to `operator_state_time`, cut into 15-minute blocks. `$1` is the fresh ids, or null
 * for every event (a rebuild).
 */
const ADD_CLOSED_SPANS_SQL = `
  WITH fresh AS (
    SELECT * FROM operator_events WHERE $1::text[] IS NULL OR id = ANY($1::text[])
  ), previous AS (
    -- Each operator's last event before the fresh ones: one short walk of (operator_id, at) each, not
    -- every earlier event of the operator (the log grows all day; this runs every second).
    SELECT last.*
    FROM (SELECT operator_id, min(at) AS first_at FROM fresh GROUP BY operator_id) f
    CROSS JOIN LATERAL (
      SELECT e.* FROM operator_events e
      WHERE e.operator_id = f.operator_id AND e.at <= f.first_at AND NOT (e.id = ANY($1::text[]))
      ORDER BY e.at DESC, e.id DESC
      LIMIT 1
    ) last
    WHERE $1::text[] IS NOT NULL
  ), spans AS (
    SELECT operator_id, state, at AS starts, lead(at) OVER (PARTITION BY operator_id ORDER BY at, id) AS ends
    FROM (SELECT * FROM previous UNION ALL SELECT * FROM fresh) events
  ), pieces AS (
    SELECT operator_id, state, block,
      extract(epoch FROM least(ends, block + interval '15 minutes') - greatest(starts, block)) AS seconds
    FROM spans, LATERAL generate_series(
      date_bin(interval '15 minutes', starts, timestamptz '2000-01-01 00:00:00+00'), ends, interval '15 minutes'
    ) AS block
    WHERE ends IS NOT NULL AND ends > starts AND state <> 'offline'
  )
  INSERT INTO operator_state_time (operator_id, block_start, state, seconds)
  SELECT operator_id, block, state, sum(seconds) FROM pieces WHERE seconds > 0
  GROUP BY operator_id, block, state
  ON CONFLICT (operator_id, block_start, state)
  DO UPDATE SET seconds = operator_state_time.seconds + EXCLUDED.seconds`;

/**
 * The operators' state log (append-only), written in batches by the reporting drainer, and its rollup
 * `operator_state_time` (seconds per operator, state and 15-minute block), kept in step in the same
 * transaction and rebuildable from the log.
 */
@Injectable()
export class OperatorEventRepository {
  constructor(private readonly database: DatabaseService) {}

  /**
   * Appends a batch in one statement; rows already written (same stream id) are skipped, and only the
   * spans closed by new rows are added to the rollup, so a batch drained twice counts once.
   */
  async append(events: NewOperatorEvent[]): Promise<number> {
    if (events.length === 0) return 0;
    return this.database.transaction(async (manager) => {
      await manager.query('SELECT pg_advisory_xact_lock($1)', [ROLLUP_LOCK_ID]);
      const inserted = await manager
        .createQueryBuilder()
        .insert()
        .into(OperatorEventEntity)
        .values(events)
        .orIgnore()
        .returning(['id'])
        .execute();
      const ids = (inserted.raw as { id: string }[]).map((row) => row.id);
      if (ids.length > 0) await this.addClosedSpans(manager, ids);
      return ids.length;
    });
  }

  /** Recomputes the whole state-time rollup from the operator event log. */
  async rebuildStateTime(): Promise<void> {
    await this.database.transaction(async (manager) => {
      await manager.query('SELECT pg_advisory_xact_lock($1)', [ROLLUP_LOCK_ID]);
      await manager.query('DELETE FROM operator_state_time');
      await this.addClosedSpans(manager, null);
    });
  }

  private async addClosedSpans(manager: EntityManager, ids: string[] | null): Promise<void> {
    await manager.query(ADD_CLOSED_SPANS_SQL, [ids]);
  }

  listForOperator(operatorId: string): Promise<OperatorEventEntity[]> {
    return this.database.read((manager) =>
      manager.find(OperatorEventEntity, { where: { operatorId }, order: { at: 'ASC', id: 'ASC' } }),
    );
  }
}
