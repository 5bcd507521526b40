/**
 * The service metrics of centralino, defined once: the live dashboard (libs/realtime today-stats) and the
 * interval reports (libs/reporting) both count with these rules, and docs/reporting.md describes them in
 * words. Pure: no I/O, no framework.
 *
 * A contact's figures come from its event log, reduced to a few moments (`ContactFacts`). The database
 * does the same reduction and the same counting in SQL (`CONTACT_FACT_COLUMNS_SQL`, `intervalTotalsSql`
 * below) so that a month is counted where the rows are; test/reporting checks that both agree.
 */

/** The moments of one contact's event log that the metrics need (ms since the epoch). */
export interface ContactFacts {
  /** First `queued` event: the contact is offered to a queue. Contacts never queued count nowhere. */
  queuedAt: number;
  /** First `connected` event: answered by an operator. */
  connectedAt: number | null;
  /**
   * The final event (completed, abandoned, message_taken, overflowed, failed, closed, callback_failed:
   * a callback whose every attempt missed the customer; transferred: put through to a directory number,
   * by triage or by an operator); null while in progress.
   */
  endedAt: number | null;
  finalState:
    | 'completed'
    | 'abandoned'
    | 'message_taken'
    | 'overflowed'
    | 'failed'
    | 'closed'
    | 'callback_failed'
    | 'transferred'
    | null;
  /** `note` events with `data.kind = 'transfer'` (handed to another queue, operator or number). */
  transfers: number;
}

export interface MetricThresholds {
  /** The queue's service-level target (`problemTypes[].serviceLevel.targetSeconds`). */
  targetSeconds: number;
  /** An abandon after a wait shorter than this is a short abandon (`reporting.shortAbandonSeconds`). */
  shortAbandonSeconds: number;
}

/** Additive counts of a set of contacts (an interval, a queue, a day...). Sums of these are meaningful. */
export interface IntervalTotals {
  offered: number;
  answered: number;
  answeredWithinTarget: number;
  abandoned: number;
  shortAbandons: number;
  messagesTaken: number;
  /** Ended `closed` by a queue's rules: announced closed, full or waited too long, then hung up. */
  closed: number;
  transfers: number;
  /** Sum over answered contacts of (connected − queued), seconds. */
  answerWaitSeconds: number;
  /** Largest (connected, or end if never connected, − queued) among the contacts, seconds. */
  longestWaitSeconds: number;
  /** Contacts answered and completed: their talk time is known. */
  handled: number;
  /** Sum over handled contacts of (completed − connected), seconds. */
  handleSeconds: number;
}

export function emptyTotals(): IntervalTotals {
  return {
    offered: 0,
    answered: 0,
    answeredWithinTarget: 0,
    abandoned: 0,
    shortAbandons: 0,
    messagesTaken: 0,
    closed: 0,
    transfers: 0,
    answerWaitSeconds: 0,
    longestWaitSeconds: 0,
    handled: 0,
    handleSeconds: 0,
  };
}

/** One contact's contribution to the totals. */
export function contactTotals(facts: ContactFacts, thresholds: MetricThresholds): IntervalTotals {
  const totals = emptyTotals();
  totals.offered = 1;
  totals.transfers = facts.transfers;
  const seconds = (from: number, to: number) => (to - from) / 1000;
  if (facts.connectedAt !== null) {
    const wait = seconds(facts.queuedAt, facts.connectedAt);
    totals.answered = 1;
    totals.answerWaitSeconds = wait;
    totals.longestWaitSeconds = wait;
    if (wait <= thresholds.targetSeconds) totals.answeredWithinTarget = 1;
    if (facts.finalState === 'completed' && facts.endedAt !== null) {
      totals.handled = 1;
      totals.handleSeconds = seconds(facts.connectedAt, facts.endedAt);
    }
  } else if (facts.endedAt !== null) {
    totals.longestWaitSeconds = seconds(facts.queuedAt, facts.endedAt);
  }
  if (facts.finalState === 'abandoned') {
    totals.abandoned = 1;
    if (facts.endedAt !== null && seconds(facts.queuedAt, facts.endedAt) < thresholds.shortAbandonSeconds) {
      totals.shortAbandons = 1;
    }
  }
  if (facts.finalState === 'message_taken') totals.messagesTaken = 1;
  if (facts.finalState === 'closed') totals.closed = 1;
  return totals;
}

export function addTotals(a: IntervalTotals, b: IntervalTotals): IntervalTotals {
  return {
    offered: a.offered + b.offered,
    answered: a.answered + b.answered,
    answeredWithinTarget: a.answeredWithinTarget + b.answeredWithinTarget,
    abandoned: a.abandoned + b.abandoned,
    shortAbandons: a.shortAbandons + b.shortAbandons,
    messagesTaken: a.messagesTaken + b.messagesTaken,
    closed: a.closed + b.closed,
    transfers: a.transfers + b.transfers,
    answerWaitSeconds: a.answerWaitSeconds + b.answerWaitSeconds,
    longestWaitSeconds: Math.max(a.longestWaitSeconds, b.longestWaitSeconds),
    handled: a.handled + b.handled,
    handleSeconds: a.handleSeconds + b.handleSeconds,
  };
}

/** A percentage with one decimal, or null when there is nothing to divide by. */
export function percent(part: number, whole: number): number | null {
  return whole > 0 ? Math.round((part / whole) * 1000) / 10 : null;
}

/** Seconds with one decimal, or null when there is nothing to average. */
export function average(sum: number, count: number): number | null {
  return count > 0 ? Math.round((sum / count) * 10) / 10 : null;
}

/** Service level: answered within the target ÷ answered (abandoned contacts do not count). */
export function serviceLevelPercent(totals: Pick<IntervalTotals, 'answered' | 'answeredWithinTarget'>) {
  return percent(totals.answeredWithinTarget, totals.answered);
}

/** Average speed of answer: mean (connected − queued) over the answered contacts, seconds. */
export function averageSpeedOfAnswerSeconds(totals: Pick<IntervalTotals, 'answered' | 'answerWaitSeconds'>) {
  return average(totals.answerWaitSeconds, totals.answered);
}

/**
 * Abandonment rate: (abandoned − short abandons) ÷ (answered + abandoned − short abandons). Short abandons
 * (a caller who hung up within seconds: a wrong number, a pocket dial) count neither way.
 */
export function abandonmentRatePercent(
  totals: Pick<IntervalTotals, 'answered' | 'abandoned' | 'shortAbandons'>,
): number | null {
  const counted = totals.abandoned - totals.shortAbandons;
  return percent(counted, totals.answered + counted);
}

/** Average handle time: mean (completed − connected) over the answered and completed contacts, seconds. */
export function averageHandleTimeSeconds(totals: Pick<IntervalTotals, 'handled' | 'handleSeconds'>) {
  return average(totals.handleSeconds, totals.handled);
}

/** Seconds an operator spent in each state (from the operator event log), within a range. */
export interface StateSeconds {
  available: number;
  reserved: number;
  busy: number;
  wrap_up: number;
  away: number;
}

/**
 * Occupancy: time working on contacts (ringing, busy, wrap-up) ÷ time ready for or working on them
 * (that plus available). Away and offline count neither way.
 */
export function occupancyPercent(time: StateSeconds): number | null {
  const working = time.reserved + time.busy + time.wrap_up;
  return percent(working, working + time.available);
}

/** The figures reports and dashboards show, derived from additive totals. */
export interface DerivedFigures {
  serviceLevelPercent: number | null;
  averageSpeedOfAnswerSeconds: number | null;
  abandonmentRatePercent: number | null;
  averageHandleTimeSeconds: number | null;
}

export function deriveFigures(totals: IntervalTotals): DerivedFigures {
  return {
    serviceLevelPercent: serviceLevelPercent(totals),
    averageSpeedOfAnswerSeconds: averageSpeedOfAnswerSeconds(totals),
    abandonmentRatePercent: abandonmentRatePercent(totals),
    averageHandleTimeSeconds: averageHandleTimeSeconds(totals),
  };
}

/**
 * The same reduction in SQL: per contact (`e` = its events, grouped by contact), the columns of
 * `ContactFacts` (snake_case) and the operator who answered. Kept here, beside the TypeScript rules, so
 * a change to one is seen next to the other.
 */
export const CONTACT_FACT_COLUMNS_SQL = `
  min(e.at) FILTER (WHERE e.type = 'queued') AS queued_at,
  min(e.at) FILTER (WHERE e.type = 'connected') AS connected_at,
  max(e.at) FILTER (WHERE e.type IN ('completed', 'abandoned', 'message_taken', 'overflowed', 'failed', 'closed', 'callback_failed', 'transferred')) AS ended_at,
  max(e.type) FILTER (WHERE e.type IN ('completed', 'abandoned', 'message_taken', 'overflowed', 'failed', 'closed', 'callback_failed', 'transferred')) AS final_state,
  count(*) FILTER (WHERE e.type = 'note' AND e.data->>'kind' = 'transfer') AS transfers,
  (array_agg(e.data->>'operatorId' ORDER BY e.at, e.id) FILTER (WHERE e.type = 'connected'))[1] AS answered_by`;

/**
 * The durations the counting needs, computed once per contact from the columns above (`f`): the wait
 * until answered, the wait until the end for contacts never answered, and the talk time of completed
 * ones, in seconds (null when they do not apply).
 */
export const CONTACT_FACT_SECONDS_SQL = `
  extract(epoch FROM f.connected_at - f.queued_at) AS answer_wait_seconds,
  CASE WHEN f.connected_at IS NULL THEN extract(epoch FROM f.ended_at - f.queued_at) END AS unanswered_wait_seconds,
  CASE WHEN f.final_state = 'completed' THEN extract(epoch FROM f.ended_at - f.connected_at) END AS handle_seconds`;

/**
 * The same counting in SQL over rows of facts `f` with the contact's target `f.target` and the short
 * abandon threshold `shortParam` (seconds): the columns of `IntervalTotals`, in snake_case.
 */
export function intervalTotalsSql(shortParam: string): string {
  return `
  count(*) AS offered,
  count(f.answer_wait_seconds) AS answered,
  count(*) FILTER (WHERE f.answer_wait_seconds <= f.target) AS answered_within_target,
  count(*) FILTER (WHERE f.final_state = 'abandoned') AS abandoned,
  count(*) FILTER (WHERE f.final_state = 'abandoned' AND f.unanswered_wait_seconds < ${shortParam}) AS short_abandons,
  count(*) FILTER (WHERE f.final_state = 'message_taken') AS messages_taken,
  count(*) FILTER (WHERE f.final_state = 'closed') AS closed,
  coalesce(sum(f.transfers), 0) AS transfers,
  coalesce(sum(f.answer_wait_seconds), 0) AS answer_wait_seconds,
  coalesce(max(coalesce(f.answer_wait_seconds, f.unanswered_wait_seconds)), 0) AS longest_wait_seconds,
  count(f.handle_seconds) AS handled,
  coalesce(sum(f.handle_seconds), 0) AS handle_seconds`;
}

/** A row of `intervalTotalsSql` as the driver returns it (bigint and numeric arrive as strings). */
export type IntervalTotalsRow = Record<
  | 'offered'
  | 'answered'
  | 'answered_within_target'
  | 'abandoned'
  | 'short_abandons'
  | 'messages_taken'
  | 'closed'
  | 'transfers'
  | 'answer_wait_seconds'
  | 'longest_wait_seconds'
  | 'handled'
  | 'handle_seconds',
  string | number | null
>;

export function totalsFromRow(row: IntervalTotalsRow): IntervalTotals {
  const n = (value: string | number | null) => Number(value ?? 0);
  return {
    offered: n(row.offered),
    answered: n(row.answered),
    answeredWithinTarget: n(row.answered_within_target),
    abandoned: n(row.abandoned),
    shortAbandons: n(row.short_abandons),
    messagesTaken: n(row.messages_taken),
    closed: n(row.closed),
    transfers: n(row.transfers),
    answerWaitSeconds: n(row.answer_wait_seconds),
    longestWaitSeconds: n(row.longest_wait_seconds),
    handled: n(row.handled),
    handleSeconds: n(row.handle_seconds),
  };
}
