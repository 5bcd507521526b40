import { localMidnight, reportQuerySchema } from './report-query';

describe('report query', () => {
  it('reads a date as midnight in the front office time zone, clock changes included', () => {
    expect(localMidnight('2026-11-02', 'Europe/Rome').toISOString()).toBe('2026-11-01T23:00:00.000Z');
    expect(localMidnight('2026-07-01', 'Europe/Rome').toISOString()).toBe('2026-06-30T22:00:00.000Z');
    // Rome moves to summer time at 02:00 on 29 March 2026 and back on 25 October.
    expect(localMidnight('2026-03-29', 'Europe/Rome').toISOString()).toBe('2026-03-28T23:00:00.000Z');
    expect(localMidnight('2026-03-30', 'Europe/Rome').toISOString()).toBe('2026-03-29T22:00:00.000Z');
    expect(localMidnight('2026-10-26', 'Europe/Rome').toISOString()).toBe('2026-10-25T23:00:00.000Z');
    expect(localMidnight('2026-11-02', 'America/New_York').toISOString()).toBe('2026-11-02T05:00:00.000Z');
    expect(localMidnight('2026-11-02', 'Asia/Kathmandu').toISOString()).toBe('2026-11-01T18:15:00.000Z');
  });

  it('defaults the interval and grouping and keeps date-times with their offset', () => {
    const query = reportQuerySchema('Europe/Rome').parse({
      from: '2026-11-02T09:00:00+01:00',
      to: '2026-11-02T10:15:00Z',
    });
    expect(query).toEqual({
      from: new Date('2026-11-02T08:00:00Z'),
      to: new Date('2026-11-02T10:15:00Z'),
      interval: '1h',
      groupBy: 'queue',
    });
  });

  it('refuses empty, reversed, unaligned and too long ranges with the reason', () => {
    const schema = reportQuerySchema('UTC');
    const reason = (raw: Record<string, string>) => {
      const result = schema.safeParse(raw);
      return result.success ? null : result.error.issues.map((issue) => issue.message).join('; ');
    };
    expect(reason({ from: '2026-11-02', to: '2026-11-02' })).toBe('to must be after from');
    expect(reason({ from: '2026-11-02T10:05:00Z', to: '2026-11-03' })).toMatch(/15-minute boundary/);
    expect(reason({ from: '2026-01-01', to: '2026-02-03', interval: '15m' })).toMatch(/at most 32 days/);
    expect(reason({ from: '2026-01-01', to: '2026-02-03', interval: '1h' })).toBeNull();
    expect(reason({ from: 'monday', to: '2026-02-03' })).toMatch(/a date \(YYYY-MM-DD/);
    expect(reason({ from: '2026-01-01', to: '2026-01-02', groupBy: 'team' })).toMatch(/queue/);
  });
});
