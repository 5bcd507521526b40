import type { IntervalReport, ReportRow } from './report.service';

/**
 * The CSV export's columns, in order. Stable: new columns are only ever appended (docs/reporting.md).
 * Operator-only columns are empty for other groupings; figures without a value (no answers yet) too.
 */
export const REPORT_CSV_COLUMNS = [
  'interval_start',
  'interval_end',
  'group_by',
  'key',
  'label',
  'offered',
  'answered',
  'answered_within_target',
  'abandoned',
  'short_abandons',
  'messages_taken',
  'transfers',
  'service_level_percent',
  'average_speed_of_answer_seconds',
  'abandonment_rate_percent',
  'average_handle_time_seconds',
  'longest_wait_seconds',
  'handled',
  'available_seconds',
  'reserved_seconds',
  'busy_seconds',
  'wrap_up_seconds',
  'away_seconds',
  'occupancy_percent',
  'closed',
] as const;

type Column = (typeof REPORT_CSV_COLUMNS)[number];

function values(report: IntervalReport, row: ReportRow): Record<Column, string | number | null | undefined> {
  const round = (value: number) => Math.round(value * 10) / 10;
  return {
    interval_start: row.intervalStart,
    interval_end: row.intervalEnd,
    group_by: report.groupBy,
    key: row.key,
    label: row.label,
    offered: row.offered,
    answered: row.answered,
    answered_within_target: row.answeredWithinTarget,
    abandoned: row.abandoned,
    short_abandons: row.shortAbandons,
    messages_taken: row.messagesTaken,
    closed: row.closed,
    transfers: row.transfers,
    service_level_percent: row.serviceLevelPercent,
    average_speed_of_answer_seconds: row.averageSpeedOfAnswerSeconds,
    abandonment_rate_percent: row.abandonmentRatePercent,
    average_handle_time_seconds: row.averageHandleTimeSeconds,
    longest_wait_seconds: round(row.longestWaitSeconds),
    handled: row.handled,
    available_seconds: row.stateSeconds && round(row.stateSeconds.available),
    reserved_seconds: row.stateSeconds && round(row.stateSeconds.reserved),
    busy_seconds: row.stateSeconds && round(row.stateSeconds.busy),
    wrap_up_seconds: row.stateSeconds && round(row.stateSeconds.wrap_up),
    away_seconds: row.stateSeconds && round(row.stateSeconds.away),
    occupancy_percent: row.occupancyPercent,
  };
}

/** RFC 4180 field: quoted when needed; a leading =, +, - or @ is defused for spreadsheets. */
function field(value: string | number | null | undefined): string {
  if (value === null || value === undefined) return '';
  let text = String(value);
  if (typeof value === 'string' && /^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** The report as CSV: a header line with `REPORT_CSV_COLUMNS`, then one line per row, CRLF-separated. */
export function reportToCsv(report: IntervalReport): string {
  const lines = [REPORT_CSV_COLUMNS.join(',')];
  for (const row of report.rows) {
    const record = values(report, row);
    lines.push(REPORT_CSV_COLUMNS.map((column) => field(record[column])).join(','));
  }
  return `${lines.join('\r\n')}\r\n`;
}
