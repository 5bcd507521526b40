/**
 * A queue's opening hours in its own time zone: weekly ranges of wall-clock time, holidays (whole local
 * days closed), or always open. Pure; the time zone rules come from the runtime's ICU data (Intl), so
 * daylight-saving changes are handled the way the zone really changes, not by fixed offsets.
 */
export interface BusinessHours {
  timezone: string;
  /** Day (mon..sun) -> [from, to) ranges in local "HH:MM"; a day without ranges is closed. */
  weekly: Partial<Record<Weekday, [string, string][]>>;
  /** Local dates "YYYY-MM-DD" closed all day. */
  holidays: string[];
  alwaysOpen: boolean;
}

export type Weekday = 'mon' | 'tue' | 'wed' | 'thu' | 'fri' | 'sat' | 'sun';

const WEEKDAYS: Weekday[] = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'];
const DAY_MS = 86_400_000;
/** nextOpening looks this far ahead at most (a calendar with no hours at all is never open). */
const HORIZON_DAYS = 400;

interface LocalTime {
  year: number;
  month: number;
  day: number;
  /** Minutes since local midnight. */
  minutes: number;
  weekday: Weekday;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timeZone: string): Intl.DateTimeFormat {
  let format = formatters.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    formatters.set(timeZone, format);
  }
  return format;
}

/** The wall-clock time of an instant in a zone. */
function localTime(at: number, timeZone: string): LocalTime & { second: number } {
  const parts = formatter(timeZone).formatToParts(new Date(at));
  const part = (type: string) => Number(parts.find((candidate) => candidate.type === type)?.value ?? 0);
  const year = part('year');
  const month = part('month');
  const day = part('day');
  return {
    year,
    month,
    day,
    minutes: part('hour') * 60 + part('minute'),
    second: part('second'),
    weekday: WEEKDAYS[new Date(Date.UTC(year, month - 1, day)).getUTCDay()],
  };
}

/** The zone's offset from UTC at an instant, in ms (local = UTC + offset). */
function offsetAt(at: number, timeZone: string): number {
  const local = localTime(at, timeZone);
  const asUtc = Date.UTC(local.year, local.month - 1, local.day, 0, local.minutes, local.second);
  return asUtc - Math.floor(at / 1000) * 1000;
}

/**
 * The instant a local wall-clock time happens. Like Temporal's `compatible` disambiguation: a time that
 * happens twice (clocks go back) is its first occurrence; one that never happens (clocks go forward) is
 * moved forward by the gap (02:30 on the spring-forward night in Rome is 03:30 summer time).
 */
export function zonedInstant(
  year: number,
  month: number,
  day: number,
  minutes: number,
  timeZone: string,
): number {
  const wall = Date.UTC(year, month - 1, day, 0, minutes);
  const before = offsetAt(wall - DAY_MS, timeZone);
  const after = offsetAt(wall + DAY_MS, timeZone);
  const candidates = [...new Set([before, after])]
    .map((offset) => wall - offset)
    .filter((instant) => wall - instant === offsetAt(instant, timeZone))
    .sort((a, b) => a - b);
  if (candidates.length > 0) return candidates[0];
  // In the gap: the offset before the change, which lands after the gap.
  return wall - before;
}

function parseMinutes(hhmm: string): number {
  const [hours, minutes] = hhmm.split(':').map(Number);
  return hours * 60 + minutes;
}

function isoDate(local: Pick<LocalTime, 'year' | 'month' | 'day'>): string {
  return `${local.year}-${String(local.month).padStart(2, '0')}-${String(local.day).padStart(2, '0')}`;
}

export class BusinessCalendar {
  private readonly holidays: Set<string>;

  constructor(private readonly hours: BusinessHours) {
    this.holidays = new Set(hours.holidays);
  }

  /** Open at this instant: not a local holiday, and within one of the day's ranges. */
  isOpen(at: Date | number): boolean {
    if (this.hours.alwaysOpen) return true;
    const local = localTime(+at, this.hours.timezone);
    if (this.holidays.has(isoDate(local))) return false;
    return (this.hours.weekly[local.weekday] ?? []).some(
      ([from, to]) => local.minutes >= parseMinutes(from) && local.minutes < parseMinutes(to),
    );
  }

  /** The next instant the queue opens: `at` itself when open now; null if it never opens. */
  nextOpening(at: Date | number): Date | null {
    const start = +at;
    if (this.isOpen(start)) return new Date(start);
    const today = localTime(start, this.hours.timezone);
    for (let offset = 0; offset < HORIZON_DAYS; offset++) {
      // Calendar arithmetic on the local date (UTC noon avoids any DST edge).
      const date = new Date(Date.UTC(today.year, today.month - 1, today.day + offset, 12));
      const local = { year: date.getUTCFullYear(), month: date.getUTCMonth() + 1, day: date.getUTCDate() };
      if (this.holidays.has(isoDate(local))) continue;
      const ranges = [...(this.hours.weekly[WEEKDAYS[date.getUTCDay()]] ?? [])].sort(
        (a, b) => parseMinutes(a[0]) - parseMinutes(b[0]),
      );
      for (const [from, to] of ranges) {
        const opens = zonedInstant(
          local.year,
          local.month,
          local.day,
          parseMinutes(from),
          this.hours.timezone,
        );
        const closes = zonedInstant(
          local.year,
          local.month,
          local.day,
          parseMinutes(to),
          this.hours.timezone,
        );
        if (opens > start && closes > opens) return new Date(opens);
      }
    }
    return null;
  }
}

/**
 * When a closed queue opens again, as callers and chat customers are told it ("lunedì 7 dicembre,
 * 08:30"): in `locale` and the queue's time zone, the same words for every channel.
 */
export function formatOpening(at: Date, locale: string, timeZone: string): string {
  return new Intl.DateTimeFormat(locale, {
    timeZone,
    weekday: 'long',
    day: 'numeric',
    month: 'long',
    hour: '2-digit',
    minute: '2-digit',
  }).format(at);
}
