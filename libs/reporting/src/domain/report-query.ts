import { z } from 'zod';

export const INTERVAL_SIZES = ['15m', '1h', '1d'] as const;
export type IntervalSize = (typeof INTERVAL_SIZES)[number];

/** `queue` and `problemType` are the same key today: there is one queue per problem type. */
export const REPORT_GROUPINGS = ['none', 'queue', 'problemType', 'operator', 'channel'] as const;
export type ReportGrouping = (typeof REPORT_GROUPINGS)[number];

/** The longest range per interval size: keeps one answer to a few thousand rows per group. */
export const MAX_RANGE_DAYS: Record<IntervalSize, number> = { '15m': 32, '1h': 93, '1d': 400 };

const DAY_MS = 86_400_000;
const BLOCK_MS = 15 * 60_000;

/** Offset of `timeZone` from UTC at `instant`, in ms (positive east of Greenwich). */
function zoneOffset(instant: number, timeZone: string): number {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone,
    hourCycle: 'h23',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
  }).formatToParts(new Date(instant));
  const part = (type: string) => Number(parts.find((candidate) => candidate.type === type)?.value ?? 0);
  const local = Date.UTC(
    part('year'),
    part('month') - 1,
    part('day'),
    part('hour'),
    part('minute'),
    part('second'),
  );
  return local - Math.floor(instant / 1000) * 1000;
}

/** The instant of midnight starting `date` (YYYY-MM-DD) in `timeZone`. */
export function localMidnight(date: string, timeZone: string): Date {
  const utcMidnight = Date.parse(`${date}T00:00:00Z`);
  let instant = utcMidnight - zoneOffset(utcMidnight, timeZone);
  // Near a clock change the offset at the guess may differ from the offset at the answer.
  instant = utcMidnight - zoneOffset(instant, timeZone);
  return new Date(instant);
}

const moment = () =>
  z.union([z.iso.date(), z.iso.datetime({ offset: true })], {
    error: "a date (YYYY-MM-DD, midnight in the front office's time zone) or an ISO 8601 date-time",
  });

/**
 * The query string of the interval report and its CSV export. A date alone means midnight of that day in
 * the front office's time zone (`timeZone`); date-times carry their own offset.
 */
export function reportQuerySchema(timeZone: string) {
  const instant = (value: string) => (value.length === 10 ? localMidnight(value, timeZone) : new Date(value));
  return z
    .object({
      from: moment(),
      to: moment(),
      interval: z.enum(INTERVAL_SIZES).default('1h'),
      groupBy: z.enum(REPORT_GROUPINGS).default('queue'),
    })
    .transform((query) => ({ ...query, from: instant(query.from), to: instant(query.to) }))
    .superRefine((query, ctx) => {
      if (query.to <= query.from) {
        ctx.addIssue({ code: 'custom', path: ['to'], message: 'to must be after from' });
        return;
      }
      for (const field of ['from', 'to'] as const) {
        if (query[field].getTime() % BLOCK_MS !== 0) {
          ctx.addIssue({
            code: 'custom',
            path: [field],
            message: `${field} must fall on a 15-minute boundary (operator time is kept in 15-minute blocks)`,
          });
        }
      }
      const days = (query.to.getTime() - query.from.getTime()) / DAY_MS;
      if (days > MAX_RANGE_DAYS[query.interval]) {
        ctx.addIssue({
          code: 'custom',
          path: ['to'],
          message: `at most ${MAX_RANGE_DAYS[query.interval]} days with interval ${query.interval}`,
        });
      }
    });
}

export type ReportQuery = z.output<ReturnType<typeof reportQuerySchema>>;
