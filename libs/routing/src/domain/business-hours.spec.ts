import fc from 'fast-check';
import { BusinessCalendar, BusinessHours, zonedInstant } from './business-hours';

const office: [string, string][] = [
  ['08:30', '13:00'],
  ['14:00', '18:00'],
];
const rome: BusinessHours = {
  timezone: 'Europe/Rome',
  weekly: { mon: office, tue: office, wed: office, thu: office, fri: office },
  holidays: ['2026-12-25', '2026-12-26'],
  alwaysOpen: false,
};
const utc = (iso: string) => new Date(iso);

describe('BusinessCalendar', () => {
  const calendar = new BusinessCalendar(rome);

  it('is open within the ranges of the local day and closed at their ends', () => {
    // Friday 27 March 2026, still winter time (UTC+1).
    expect(calendar.isOpen(utc('2026-03-27T07:29:00Z'))).toBe(false);
    expect(calendar.isOpen(utc('2026-03-27T07:30:00Z'))).toBe(true);
    expect(calendar.isOpen(utc('2026-03-27T12:30:00Z'))).toBe(false); // 13:30 lunch
    expect(calendar.isOpen(utc('2026-03-27T16:59:00Z'))).toBe(true);
    expect(calendar.isOpen(utc('2026-03-27T17:00:00Z'))).toBe(false); // 18:00
    expect(calendar.isOpen(utc('2026-03-28T09:00:00Z'))).toBe(false); // Saturday
  });

  it('opens on Monday at 08:30 summer time after the spring-forward weekend (29 March 2026)', () => {
    // Friday 18:00 CET -> Monday 08:30 CEST is 06:30 UTC, not 07:30.
    expect(calendar.nextOpening(utc('2026-03-27T17:00:00Z'))).toEqual(utc('2026-03-30T06:30:00Z'));
    expect(calendar.isOpen(utc('2026-03-30T06:29:00Z'))).toBe(false);
    expect(calendar.isOpen(utc('2026-03-30T06:30:00Z'))).toBe(true);
  });

  it('opens on Monday at 08:30 winter time after the fall-back weekend (25 October 2026)', () => {
    expect(calendar.nextOpening(utc('2026-10-23T16:30:00Z'))).toEqual(utc('2026-10-26T07:30:00Z'));
    expect(calendar.isOpen(utc('2026-10-26T07:29:00Z'))).toBe(false);
    expect(calendar.isOpen(utc('2026-10-26T07:30:00Z'))).toBe(true);
  });

  it('is closed on holidays and opens on the next working day', () => {
    // Friday 25 and Saturday 26 December: Christmas Eve 18:00 -> Monday 28 December 08:30 CET.
    expect(calendar.isOpen(utc('2026-12-25T09:00:00Z'))).toBe(false);
    expect(calendar.nextOpening(utc('2026-12-24T17:00:00Z'))).toEqual(utc('2026-12-28T07:30:00Z'));
  });

  it('answers now when open, and the afternoon range over lunch', () => {
    expect(calendar.nextOpening(utc('2026-03-27T08:00:00Z'))).toEqual(utc('2026-03-27T08:00:00Z'));
    expect(calendar.nextOpening(utc('2026-03-27T12:10:00Z'))).toEqual(utc('2026-03-27T13:00:00Z'));
  });

  it('handles ranges in the hour that does not exist and in the hour that happens twice', () => {
    const night = new BusinessCalendar({
      ...rome,
      weekly: { sun: [['02:00', '04:00']] },
      holidays: [],
    });
    // 29 March: 02:00 CET jumps to 03:00 CEST (01:00 UTC).
    expect(night.isOpen(utc('2026-03-29T00:59:00Z'))).toBe(false); // 01:59 CET
    expect(night.isOpen(utc('2026-03-29T01:00:00Z'))).toBe(true); // 03:00 CEST
    expect(night.isOpen(utc('2026-03-29T02:00:00Z'))).toBe(false); // 04:00 CEST
    expect(night.nextOpening(utc('2026-03-28T23:00:00Z'))).toEqual(utc('2026-03-29T01:00:00Z'));
    // 25 October: 03:00 CEST goes back to 02:00 CET, so 02:00-04:00 lasts three hours.
    expect(night.nextOpening(utc('2026-10-24T22:00:00Z'))).toEqual(utc('2026-10-25T00:00:00Z'));
    expect(night.isOpen(utc('2026-10-25T00:30:00Z'))).toBe(true); // 02:30 CEST
    expect(night.isOpen(utc('2026-10-25T01:30:00Z'))).toBe(true); // 02:30 CET
    expect(night.isOpen(utc('2026-10-25T02:59:00Z'))).toBe(true); // 03:59 CET
    expect(night.isOpen(utc('2026-10-25T03:00:00Z'))).toBe(false); // 04:00 CET
  });

  it('maps local wall times to instants like Temporal (first of two, forward over a gap)', () => {
    expect(zonedInstant(2026, 10, 25, 150, 'Europe/Rome')).toBe(+utc('2026-10-25T00:30:00Z'));
    expect(zonedInstant(2026, 3, 29, 150, 'Europe/Rome')).toBe(+utc('2026-03-29T01:30:00Z'));
    expect(zonedInstant(2026, 7, 1, 600, 'Europe/Rome')).toBe(+utc('2026-07-01T08:00:00Z'));
  });

  it('uses the local date of its own zone, not the UTC date', () => {
    const tokyo = new BusinessCalendar({ ...rome, timezone: 'Asia/Tokyo', holidays: [] });
    // Friday 23:30 UTC is Saturday 08:30 in Tokyo.
    expect(tokyo.isOpen(utc('2026-03-27T23:30:00Z'))).toBe(false);
    expect(tokyo.isOpen(utc('2026-03-26T23:30:00Z'))).toBe(true); // Friday 08:30 JST
  });

  it('is always open when told so, and never opens without any hours', () => {
    expect(new BusinessCalendar({ ...rome, alwaysOpen: true }).isOpen(utc('2026-12-25T03:00:00Z'))).toBe(
      true,
    );
    expect(new BusinessCalendar({ ...rome, weekly: {} }).nextOpening(utc('2026-03-27T12:00:00Z'))).toBeNull();
  });

  it('property: the next opening is open, not before the instant, and closed the minute before', () => {
    const from = +utc('2026-01-01T00:00:00Z');
    const to = +utc('2027-12-31T00:00:00Z');
    fc.assert(
      fc.property(fc.integer({ min: from, max: to }), (at) => {
        const next = calendar.nextOpening(at);
        expect(next).not.toBeNull();
        expect(+next!).toBeGreaterThanOrEqual(at);
        expect(calendar.isOpen(next!)).toBe(true);
        if (+next! > at) expect(calendar.isOpen(+next! - 60_000)).toBe(false);
        // Nothing in between is open: sample a few instants.
        for (const fraction of [0.25, 0.5, 0.75]) {
          const between = at + Math.floor((+next! - at) * fraction);
          if (between < +next!) expect(calendar.isOpen(between)).toBe(false);
        }
      }),
      { numRuns: 300 },
    );
  });
});
