import { Injectable } from '@nestjs/common';
import { FrontOfficeConfig } from '@centralino/config';
import { OperatorRepository } from '@centralino/persistence';
import {
  addTotals,
  DerivedFigures,
  deriveFigures,
  emptyTotals,
  IntervalTotals,
  occupancyPercent,
  StateSeconds,
} from './domain/metric-definitions';
import { ReportQuery, reportQuerySchema } from './domain/report-query';
import { ReportRepository, TotalsRow } from './report.repository';

/** Service-level target of contacts whose queue is no longer configured (the schema's default). */
const DEFAULT_TARGET_SECONDS = 20;

export interface ReportRow extends IntervalTotals, DerivedFigures {
  intervalStart: string;
  intervalEnd: string;
  /** Queue id, operator id or channel; null for contacts without one (e.g. unanswered, by operator). */
  key: string | null;
  label: string;
  /** By operator only: seconds per state in the interval (from the operator event log), and occupancy. */
  stateSeconds?: StateSeconds;
  occupancyPercent?: number | null;
}

export interface IntervalReport {
  from: string;
  to: string;
  interval: ReportQuery['interval'];
  groupBy: ReportQuery['groupBy'];
  timeZone: string;
  shortAbandonSeconds: number;
  rows: ReportRow[];
  /** The whole range, all groups: the same figures. */
  total: IntervalTotals & DerivedFigures & { stateSeconds?: StateSeconds; occupancyPercent?: number | null };
}

function emptyStates(): StateSeconds {
  return { available: 0, reserved: 0, busy: 0, wrap_up: 0, away: 0 };
}

function addStates(a: StateSeconds, b: StateSeconds): StateSeconds {
  return {
    available: a.available + b.available,
    reserved: a.reserved + b.reserved,
    busy: a.busy + b.busy,
    wrap_up: a.wrap_up + b.wrap_up,
    away: a.away + b.away,
  };
}

/** Interval figures per queue, operator or channel, with the definitions of domain/metric-definitions. */
@Injectable()
export class ReportService {
  constructor(
    private readonly reports: ReportRepository,
    private readonly operators: OperatorRepository,
    private readonly frontOffice: FrontOfficeConfig,
  ) {}

  get timeZone(): string {
    return this.frontOffice.data.businessHours.timezone;
  }

  get shortAbandonSeconds(): number {
    return this.frontOffice.data.reporting.shortAbandonSeconds;
  }

  /** Validates a query string (a ZodError, i.e. a 400 with the reason, when it is wrong). */
  parseQuery(raw: unknown): ReportQuery {
    return reportQuerySchema(this.timeZone).parse(raw ?? {});
  }

  async intervals(query: ReportQuery, now = new Date()): Promise<IntervalReport> {
    const contactRows = await this.reports.contactTotals({
      from: query.from,
      to: query.to,
      size: query.interval,
      groupBy: query.groupBy,
      timeZone: this.timeZone,
      shortAbandonSeconds: this.shortAbandonSeconds,
      targets: this.frontOffice.problemTypes.map((type) => ({
        queue: type.id,
        targetSeconds: type.serviceLevel.targetSeconds,
      })),
      defaultTargetSeconds: DEFAULT_TARGET_SECONDS,
    });
    const byOperator = query.groupBy === 'operator';
    const rows: (TotalsRow & { states?: StateSeconds })[] = byOperator
      ? await this.withOperatorStates(query, contactRows, now)
      : contactRows;
    const labels = await this.labels(
      query.groupBy,
      rows.map((row) => row.key),
    );
    const reportRows: ReportRow[] = rows.map((row) => ({
      intervalStart: row.intervalStart.toISOString(),
      intervalEnd: row.intervalEnd.toISOString(),
      key: row.key,
      label: labels.get(row.key) ?? row.key ?? '(none)',
      ...row.totals,
      ...deriveFigures(row.totals),
      ...(byOperator
        ? { stateSeconds: row.states, occupancyPercent: row.states ? occupancyPercent(row.states) : null }
        : {}),
    }));
    const totals = rows.reduce((sum, row) => addTotals(sum, row.totals), emptyTotals());
    const states = byOperator
      ? rows.reduce((sum, row) => (row.states ? addStates(sum, row.states) : sum), emptyStates())
      : undefined;
    return {
      from: query.from.toISOString(),
      to: query.to.toISOString(),
      interval: query.interval,
      groupBy: query.groupBy,
      timeZone: this.timeZone,
      shortAbandonSeconds: this.shortAbandonSeconds,
      rows: reportRows,
      total: {
        ...totals,
        ...deriveFigures(totals),
        ...(states ? { stateSeconds: states, occupancyPercent: occupancyPercent(states) } : {}),
      },
    };
  }

  /** Adds each operator's time per state; an operator logged in without contacts gets a row too. */
  private async withOperatorStates(
    query: ReportQuery,
    contactRows: TotalsRow[],
    now: Date,
  ): Promise<(TotalsRow & { states?: StateSeconds })[]> {
    const stateRows = await this.reports.stateSeconds({
      from: query.from,
      to: query.to,
      size: query.interval,
      timeZone: this.timeZone,
      now,
    });
    const rows = new Map<string, TotalsRow & { states?: StateSeconds }>();
    const id = (start: Date, key: string | null) => `${start.getTime()}|${key ?? ''}`;
    for (const row of contactRows) rows.set(id(row.intervalStart, row.key), { ...row });
    for (const state of stateRows) {
      const key = id(state.intervalStart, state.operatorId);
      const row = rows.get(key);
      if (row) row.states = state.seconds;
      else
        rows.set(key, {
          intervalStart: state.intervalStart,
          intervalEnd: state.intervalEnd,
          key: state.operatorId,
          totals: emptyTotals(),
          states: state.seconds,
        });
    }
    return [...rows.values()]
      .map((row) => (row.key !== null && !row.states ? { ...row, states: emptyStates() } : row))
      .sort(
        (a, b) =>
          a.intervalStart.getTime() - b.intervalStart.getTime() ||
          (a.key === null ? 1 : b.key === null ? -1 : a.key.localeCompare(b.key)),
      );
  }

  private async labels(
    groupBy: ReportQuery['groupBy'],
    keys: (string | null)[],
  ): Promise<Map<string | null, string>> {
    const labels = new Map<string | null, string>();
    if (groupBy === 'none') labels.set(null, 'All');
    if (groupBy === 'queue' || groupBy === 'problemType') {
      for (const type of this.frontOffice.problemTypes) {
        labels.set(type.id, type.name.en ?? Object.values(type.name)[0] ?? type.id);
      }
      labels.set(null, '(no queue)');
    }
    if (groupBy === 'operator') {
      const ids = [...new Set(keys.filter((key): key is string => key !== null))];
      for (const operator of await this.operators.findByIds(ids))
        labels.set(operator.id, operator.displayName);
      labels.set(null, '(not answered)');
    }
    return labels;
  }
}
