import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { DatabaseService } from '@centralino/persistence';
import {
  CONTACT_FACT_COLUMNS_SQL,
  CONTACT_FACT_SECONDS_SQL,
  intervalTotalsSql,
  IntervalTotals,
  IntervalTotalsRow,
  StateSeconds,
  totalsFromRow,
} from './domain/metric-definitions';
import { IntervalSize, ReportGrouping } from './domain/report-query';

/** The step of each interval size, as a PostgreSQL interval. */
const STEP: Record<IntervalSize, string> = { '15m': '15 minutes', '1h': '1 hour', '1d': '1 day' };

/** The local (front-office time zone) start of the interval of a local timestamp `local`. */
function localBucket(size: IntervalSize, local: string): string {
  if (size === '1d') return `date_trunc('day', ${local})`;
  if (size === '1h') return `date_trunc('hour', ${local})`;
  return `date_bin(interval '15 minutes', ${local}, timestamp '2000-01-01')`;
}

export interface ContactTotalsQuery {
  from: Date;
  to: Date;
  size: IntervalSize;
  groupBy: ReportGrouping;
  timeZone: string;
  shortAbandonSeconds: number;
  /** Service-level target per queue; contacts of other queues use `defaultTargetSeconds`. */
  targets: { queue: string; targetSeconds: number }[];
  defaultTargetSeconds: number;
}

export interface TotalsRow {
  intervalStart: Date;
  intervalEnd: Date;
  /** The group's key (queue id, operator id, channel), null for "none" (e.g. unanswered by operator). */
  key: string | null;
  totals: IntervalTotals;
}

export interface StateSecondsRow {
  intervalStart: Date;
  intervalEnd: Date;
  operatorId: string;
  seconds: StateSeconds;
}

export interface CallerContactRow {
  id: string;
  channel: string;
  fromAddress: string;
  state: string;
  problemType: string | null;
  operatorId: string | null;
  receivedAt: Date;
  queuedAt: Date | null;
  connectedAt: Date | null;
  endedAt: Date | null;
}

/**
 * The reports' reads: interval totals counted by SQL from `contact_facts`, a rollup of the contact event
 * log that is recomputed from the log for every contact with new events (and can be rebuilt whole), time
 * per state from the operator event log, and a caller's previous contacts.
 */
@Injectable()
export class ReportRepository {
  constructor(private readonly database: DatabaseService) {}

  /**
   * Recomputes the rollup rows of the contacts marked stale (an event of theirs was appended since) from
   * their whole event log, with the reduction of the metric definitions. Cheap when called often: only
   * what changed is read. Concurrent callers each take different stale rows (the DELETE locks them).
   */
  refreshFacts(): Promise<number> {
    return this.database.transaction(async (manager) => {
      // The ids first, then the facts for exactly those: the planner then sees how few there usually are
      // and looks their events and contacts up by index.
      // A SELECT around the DELETE: TypeORM answers a bare DELETE with [rows, count].
      const stale = (
        (await manager.query(
          `WITH gone AS (DELETE FROM contact_facts_stale RETURNING contact_id) SELECT contact_id FROM gone`,
        )) as { contact_id: string }[]
      ).map((row) => row.contact_id);
      if (stale.length === 0) return 0;
      const rows: unknown[] = await manager.query(
        `WITH facts AS (
           SELECT e.contact_id, ${CONTACT_FACT_COLUMNS_SQL}
           FROM contact_events e WHERE e.contact_id = ANY($1::uuid[])
           GROUP BY e.contact_id
         )
         INSERT INTO contact_facts (contact_id, queued_at, connected_at, ended_at, final_state,
           answer_wait_seconds, unanswered_wait_seconds, handle_seconds, transfers, answered_by, problem_type,
           channel)
         SELECT f.contact_id, f.queued_at, f.connected_at, f.ended_at, f.final_state, ${CONTACT_FACT_SECONDS_SQL},
           f.transfers, f.answered_by, c.problem_type, c.channel
         FROM facts f JOIN contacts c ON c.id = f.contact_id
         WHERE f.queued_at IS NOT NULL
         ON CONFLICT (contact_id) DO UPDATE SET queued_at = EXCLUDED.queued_at,
           connected_at = EXCLUDED.connected_at, ended_at = EXCLUDED.ended_at,
           final_state = EXCLUDED.final_state, answer_wait_seconds = EXCLUDED.answer_wait_seconds,
           unanswered_wait_seconds = EXCLUDED.unanswered_wait_seconds, handle_seconds = EXCLUDED.handle_seconds,
           transfers = EXCLUDED.transfers, answered_by = EXCLUDED.answered_by,
           problem_type = EXCLUDED.problem_type, channel = EXCLUDED.channel
         RETURNING contact_id`,
        [stale],
      );
      return rows.length;
    });
  }

  /** Rebuilds the whole rollup from the event log (after a change of definitions, or to check it). */
  async rebuildFacts(): Promise<number> {
    await this.database.transaction(async (manager) => {
      await manager.query(`DELETE FROM contact_facts`);
      await manager.query(
        `INSERT INTO contact_facts_stale (contact_id) SELECT DISTINCT contact_id FROM contact_events
         ON CONFLICT DO NOTHING`,
      );
    });
    return this.refreshFacts();
  }

  /**
   * Contacts first queued in [from, to), counted per interval and group from the rollup (refreshed
   * first, so the figures include every event committed before the call). A contact belongs to the
   * interval in which it was first queued, whenever it ended.
   */
  async contactTotals(query: ContactTotalsQuery): Promise<TotalsRow[]> {
    await this.refreshFacts();
    const local = localBucket(query.size, `f.queued_at AT TIME ZONE $3`);
    const key = {
      none: `NULL::text`,
      queue: `f.problem_type`,
      problemType: `f.problem_type`,
      channel: `f.channel`,
      operator: `f.answered_by`,
    }[query.groupBy];
    const rows = await this.reportRead<
      (IntervalTotalsRow & { bucket: Date; bucket_end: Date; key: string | null })[]
    >((manager) =>
      manager.query(
        `WITH grouped AS (
           SELECT ${local} AS local_bucket, ${key} AS key, ${intervalTotalsSql('$4')}
           FROM (
             SELECT facts.*, coalesce(t.target, $7) AS target
             FROM contact_facts facts
             LEFT JOIN unnest($5::text[], $6::int[]) AS t(queue, target) ON t.queue = facts.problem_type
             WHERE facts.queued_at >= $1 AND facts.queued_at < $2
           ) f
           GROUP BY 1, 2
         )
         SELECT local_bucket AT TIME ZONE $3 AS bucket,
           (local_bucket + interval '${STEP[query.size]}') AT TIME ZONE $3 AS bucket_end, grouped.*
         FROM grouped ORDER BY local_bucket, key NULLS LAST`,
        [
          query.from,
          query.to,
          query.timeZone,
          query.shortAbandonSeconds,
          query.targets.map((target) => target.queue),
          query.targets.map((target) => target.targetSeconds),
          query.defaultTargetSeconds,
        ],
      ),
    );
    return rows.map((row) => ({
      intervalStart: new Date(row.bucket),
      intervalEnd: new Date(row.bucket_end),
      key: row.key,
      totals: totalsFromRow(row),
    }));
  }

  /**
   * Seconds each operator spent in each state per interval of [from, to): the closed spans from the
   * rollup `operator_state_time` (15-minute blocks, kept by OperatorEventRepository), plus each operator's
   * current span up to min(to, now). `from` and `to` fall on 15-minute boundaries (report-query).
   */
  async stateSeconds(query: {
    from: Date;
    to: Date;
    size: IntervalSize;
    timeZone: string;
    now: Date;
  }): Promise<StateSecondsRow[]> {
    const step = `interval '${STEP[query.size]}'`;
    const until = query.to < query.now ? query.to : query.now;
    const rows = await this.reportRead<
      { bucket: Date; bucket_end: Date; operator_id: string; state: string; seconds: string | number }[]
    >((manager) =>
      manager.query(
        `WITH closed AS (
           SELECT ${localBucket(query.size, '(block_start AT TIME ZONE $3)')} AS local, operator_id, state,
             sum(seconds) AS seconds
           FROM operator_state_time WHERE block_start >= $1 AND block_start < $2
           GROUP BY 1, 2, 3
         ), current AS (
           SELECT o.id AS operator_id, last.state, greatest(last.at, $1) AS starts, $4::timestamptz AS ends
           FROM operators o CROSS JOIN LATERAL (
             SELECT state, at FROM operator_events WHERE operator_id = o.id ORDER BY at DESC, id DESC LIMIT 1
           ) last
           WHERE last.state <> 'offline' AND last.at < $4
         ), current_pieces AS (
           SELECT local, operator_id, state,
             extract(epoch FROM least(ends, (local + ${step}) AT TIME ZONE $3) - greatest(starts, local AT TIME ZONE $3))
               AS seconds
           FROM current, LATERAL generate_series(
             ${localBucket(query.size, '(starts AT TIME ZONE $3)')}, ends AT TIME ZONE $3, ${step}
           ) AS local
         ), pieces AS (
           SELECT * FROM closed UNION ALL SELECT * FROM current_pieces WHERE seconds > 0
         )
         SELECT local AT TIME ZONE $3 AS bucket, (local + ${step}) AT TIME ZONE $3 AS bucket_end, operator_id, state,
           sum(seconds) AS seconds
         FROM pieces GROUP BY local, operator_id, state
         ORDER BY 1, 3`,
        [query.from, query.to, query.timeZone, until],
      ),
    );
    const byKey = new Map<string, StateSecondsRow>();
    for (const row of rows) {
      const start = new Date(row.bucket);
      const id = `${start.getTime()}|${row.operator_id}`;
      let entry = byKey.get(id);
      if (!entry) {
        entry = {
          intervalStart: start,
          intervalEnd: new Date(row.bucket_end),
          operatorId: row.operator_id,
          seconds: { available: 0, reserved: 0, busy: 0, wrap_up: 0, away: 0 },
        };
        byKey.set(id, entry);
      }
      if (row.state in entry.seconds) {
        entry.seconds[row.state as keyof StateSeconds] = Math.round(Number(row.seconds) * 1000) / 1000;
      }
    }
    return [...byKey.values()];
  }

  /**
   * Runs a report's read in a read-only transaction tuned for one large aggregate: no JIT (compiling
   * costs more than it saves on sub-second queries) and more memory to sort and group in.
   */
  private reportRead<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    return this.database.transaction(async (manager) => {
      await manager.query(`SET LOCAL jit = off`);
      await manager.query(`SET LOCAL work_mem = '32MB'`);
      await manager.query(`SET TRANSACTION READ ONLY`);
      return work(manager);
    });
  }

  /** A caller's contacts, newest first, received since `since` (the retention horizon, if any). */
  callerContacts(fromAddress: string, since: Date | null, limit: number): Promise<CallerContactRow[]> {
    return this.database.read(async (manager) => {
      const rows: Record<string, unknown>[] = await manager.query(
        `SELECT id, channel, from_address, state, problem_type, operator_id, received_at, queued_at,
           connected_at, ended_at
         FROM contacts WHERE from_address = $1 AND ($2::timestamptz IS NULL OR received_at >= $2)
         ORDER BY received_at DESC LIMIT $3`,
        [fromAddress, since, limit],
      );
      return rows.map((row) => ({
        id: row.id as string,
        channel: row.channel as string,
        fromAddress: row.from_address as string,
        state: row.state as string,
        problemType: row.problem_type as string | null,
        operatorId: row.operator_id as string | null,
        receivedAt: new Date(row.received_at as string),
        queuedAt: row.queued_at ? new Date(row.queued_at as string) : null,
        connectedAt: row.connected_at ? new Date(row.connected_at as string) : null,
        endedAt: row.ended_at ? new Date(row.ended_at as string) : null,
      }));
    });
  }
}
