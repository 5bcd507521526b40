import { Injectable } from '@nestjs/common';
import { FrontOfficeConfig } from '@centralino/config';
import { DatabaseService } from '@centralino/persistence';
import type { QueueTodayPayload } from './operator-events.contract';

/** Today's figures change slowly: one query per this interval per instance, whatever the dashboards. */
const CACHE_MS = 5_000;

/** Midnight of `now`'s day in `timeZone` (an hour off on the days clocks change, which is fine here). */
export function startOfDay(now: number, timeZone: string): Date {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone,
    hourCycle: 'h23',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
  }).formatToParts(new Date(now));
  const part = (type: string) => Number(parts.find((candidate) => candidate.type === type)?.value ?? 0);
  const elapsed = ((part('hour') * 60 + part('minute')) * 60 + part('second')) * 1000 + (now % 1000);
  return new Date(now - elapsed);
}

interface Row {
  queue: string;
  answered: string | number;
  within_target: string | number;
  abandoned: string | number;
  asa: string | number | null;
}

/**
 * Per queue, for the contacts queued since midnight (front-office time zone): answered, answered within
 * the queue's service-level target, abandoned, and the average speed of answer. Definitions in
 * docs/realtime.md.
 */
@Injectable()
export class TodayStatsService {
  private cache: { at: number; value: Promise<Map<string, QueueTodayPayload>> } | null = null;

  constructor(
    private readonly database: DatabaseService,
    private readonly frontOffice: FrontOfficeConfig,
  ) {}

  byQueue(now = Date.now()): Promise<Map<string, QueueTodayPayload>> {
    if (!this.cache || now - this.cache.at >= CACHE_MS) {
      const value = this.load(now);
      this.cache = { at: now, value };
      value.catch(() => (this.cache = null));
    }
    return this.cache.value;
  }

  private async load(now: number): Promise<Map<string, QueueTodayPayload>> {
    const types = this.frontOffice.problemTypes;
    const since = startOfDay(now, this.frontOffice.data.businessHours.timezone);
    const rows = await this.database.read<Row[]>((manager) =>
      manager.query(
        `SELECT t.queue,
           count(c.id) FILTER (WHERE c.connected_at IS NOT NULL) AS answered,
           count(c.id) FILTER (WHERE c.connected_at IS NOT NULL
             AND c.connected_at - c.queued_at <= t.target * interval '1 second') AS within_target,
           count(c.id) FILTER (WHERE c.state = 'abandoned') AS abandoned,
           avg(extract(epoch FROM c.connected_at - c.queued_at)) FILTER (WHERE c.connected_at IS NOT NULL) AS asa
         FROM unnest($2::text[], $3::int[]) AS t(queue, target)
         LEFT JOIN contacts c ON c.problem_type = t.queue AND c.queued_at >= $1
         GROUP BY t.queue`,
        [since, types.map((type) => type.id), types.map((type) => type.serviceLevel.targetSeconds)],
      ),
    );
    const result = new Map<string, QueueTodayPayload>();
    for (const type of types) {
      const row = rows.find((candidate) => candidate.queue === type.id);
      const answered = Number(row?.answered ?? 0);
      const abandoned = Number(row?.abandoned ?? 0);
      const within = Number(row?.within_target ?? 0);
      result.set(type.id, {
        since: since.getTime(),
        targetSeconds: type.serviceLevel.targetSeconds,
        answered,
        answeredWithinTarget: within,
        abandoned,
        serviceLevelPercent: answered > 0 ? Math.round((within / answered) * 1000) / 10 : null,
        averageSpeedOfAnswerSeconds: row?.asa != null ? Math.round(Number(row.asa) * 10) / 10 : null,
        abandonmentRatePercent:
          answered + abandoned > 0 ? Math.round((abandoned / (answered + abandoned)) * 1000) / 10 : null,
      });
    }
    return result;
  }
}
