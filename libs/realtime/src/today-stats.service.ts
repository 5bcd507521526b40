import { Injectable } from '@nestjs/common';
import { FrontOfficeConfig } from '@centralino/config';
import {
  abandonmentRatePercent,
  addTotals,
  averageSpeedOfAnswerSeconds,
  emptyTotals,
  IntervalTotals,
  ReportRepository,
  serviceLevelPercent,
} from '@centralino/reporting';
import type { QueueTodayPayload } from './operator-events.contract';

/** Today's figures change slowly: one query per this interval per instance, whatever the dashboards. */
const CACHE_MS = 5_000;

/** Service-level target of contacts whose queue is no longer configured (the schema's default). */
const DEFAULT_TARGET_SECONDS = 20;

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

/**
 * Per queue, for the contacts queued since midnight (front-office time zone): answered, answered within
 * the queue's service-level target, abandoned, and the rates. Counted by the reports' repository with the
 * metric definitions of libs/reporting (docs/reporting.md), so the dashboard and the reports agree.
 */
@Injectable()
export class TodayStatsService {
  private cache: { at: number; value: Promise<Map<string, QueueTodayPayload>> } | null = null;

  constructor(
    private readonly reports: ReportRepository,
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
    const rows = await this.reports.contactTotals({
      from: since,
      to: new Date(now + 1),
      size: '1d',
      groupBy: 'queue',
      timeZone: this.frontOffice.data.businessHours.timezone,
      shortAbandonSeconds: this.frontOffice.data.reporting.shortAbandonSeconds,
      targets: types.map((type) => ({ queue: type.id, targetSeconds: type.serviceLevel.targetSeconds })),
      defaultTargetSeconds: DEFAULT_TARGET_SECONDS,
    });
    const byQueue = new Map<string, IntervalTotals>();
    for (const row of rows) {
      if (row.key) byQueue.set(row.key, addTotals(byQueue.get(row.key) ?? emptyTotals(), row.totals));
    }
    const result = new Map<string, QueueTodayPayload>();
    for (const type of types) {
      const totals = byQueue.get(type.id) ?? emptyTotals();
      result.set(type.id, {
        since: since.getTime(),
        targetSeconds: type.serviceLevel.targetSeconds,
        answered: totals.answered,
        answeredWithinTarget: totals.answeredWithinTarget,
        abandoned: totals.abandoned,
        shortAbandons: totals.shortAbandons,
        serviceLevelPercent: serviceLevelPercent(totals),
        averageSpeedOfAnswerSeconds: averageSpeedOfAnswerSeconds(totals),
        abandonmentRatePercent: abandonmentRatePercent(totals),
      });
    }
    return result;
  }
}
