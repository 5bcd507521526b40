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

/** The query string of the interval report and its CSV export. */
export const reportQuerySchema = z
  .object({
    from: z.iso.datetime({ offset: true, message: 'from: an ISO 8601 date-time such as 2026-11-23T00:00:00Z' }),
    to: z.iso.datetime({ offset: true, message: 'to: an ISO 8601 date-time such as 2026-11-24T00:00:00Z' }),
    interval: z.enum(INTERVAL_SIZES).default('1h'),
    groupBy: z.enum(REPORT_GROUPINGS).default('queue'),
  })
  .transform((query) => ({ ...query, from: new Date(query.from), to: new Date(query.to) }))
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

export type ReportQuery = z.output<typeof reportQuerySchema>;
