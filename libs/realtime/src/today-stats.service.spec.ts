import { startOfDay } from './today-stats.service';

describe('startOfDay', () => {
  it('is midnight in the front office time zone, not the server one', () => {
    const now = Date.parse('2026-11-23T16:30:15.250Z');
    expect(startOfDay(now, 'UTC').toISOString()).toBe('2026-11-23T00:00:00.000Z');
    // Rome is UTC+1 in November: its midnight is 23:00 UTC the day before.
    expect(startOfDay(now, 'Europe/Rome').toISOString()).toBe('2026-11-22T23:00:00.000Z');
    // Just after midnight in Rome, before midnight UTC.
    expect(startOfDay(Date.parse('2026-11-23T23:30:00Z'), 'Europe/Rome').toISOString()).toBe(
      '2026-11-23T23:00:00.000Z',
    );
    expect(startOfDay(Date.parse('2026-07-01T12:00:00Z'), 'America/New_York').toISOString()).toBe(
      '2026-07-01T04:00:00.000Z',
    );
  });
});
