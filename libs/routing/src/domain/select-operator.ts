import type { RoutingStrategy } from '@centralino/config';
import { CapacityChannel, RoutableOperator } from './operator-state';

export interface WaitingHead {
  contactId: string;
  queue: string;
  skill: string;
  language: string | null;
  enqueuedAt: number;
  /** Transferred to this operator by name: only they may be offered it (until it falls back). */
  targetOperatorId?: string;
  /** Which capacity the contact takes (default voice). */
  channel?: CapacityChannel;
}

/** What the strategies need besides the operators' profiles (read by the dispatcher when they are used). */
export interface StrategyInputs {
  strategy?: RoutingStrategy;
  /** round-robin: when each operator was last offered a contact of this queue (ms; absent = never). */
  lastOfferedAt?: ReadonlyMap<string, number>;
  /** fewest-today: contacts each operator accepted today. */
  handledToday?: ReadonlyMap<string, number>;
}

/**
 * The strategy's own order, applied after the two preferences every strategy keeps: negative when `a`
 * goes first.
 */
function strategyOrder(
  head: WaitingHead,
  inputs: StrategyInputs,
): (a: RoutableOperator, b: RoutableOperator) => number {
  switch (inputs.strategy ?? 'longest-idle') {
    case 'round-robin':
      // The operator offered this queue's contact least recently (never first): a rotation.
      return (a, b) => (inputs.lastOfferedAt?.get(a.id) ?? 0) - (inputs.lastOfferedAt?.get(b.id) ?? 0);
    case 'fewest-today':
      return (a, b) => (inputs.handledToday?.get(a.id) ?? 0) - (inputs.handledToday?.get(b.id) ?? 0);
    case 'skill-top-down':
      return (a, b) => (b.skills[head.skill] ?? 0) - (a.skills[head.skill] ?? 0);
    case 'longest-idle':
    case 'ring-all':
      return () => 0;
  }
}

/**
 * Orders the operators who may take `head`, best first. Every strategy keeps two preferences: those who
 * have not just declined or missed this contact first, then those who speak the caller's language. Then
 * the queue's strategy: longest-idle (default; for a chat, fewer open chats first), round-robin (least
 * recently offered this queue), fewest-today (fewest contacts accepted today), skill-top-down (highest
 * level of the queue's skill); ties go to the one idle the longest. Declining and language are
 * preferences, not exclusions: if the only operator who can take the contact declined it a moment ago,
 * they get it again rather than leave the caller waiting.
 */
export function rankOperators(
  head: WaitingHead,
  operators: readonly RoutableOperator[],
  declined: ReadonlySet<string> = new Set(),
  inputs: StrategyInputs = {},
): RoutableOperator[] {
  // A named transfer is explicit: that operator only, whatever their skills.
  if (head.targetOperatorId) return operators.filter((operator) => operator.id === head.targetOperatorId);
  const byStrategy = strategyOrder(head, inputs);
  const chat = head.channel === 'chat';
  // The preferences are computed once per operator, not once per comparison: with 2,000 operators a
  // head's ranking is ~20,000 comparisons.
  const keyed = operators
    .filter((operator) => (operator.skills[head.skill] ?? 0) > 0)
    .map((operator) => ({
      operator,
      declined: declined.has(operator.id) ? 1 : 0,
      foreign: head.language && !operator.languages.includes(head.language) ? 1 : 0,
    }));
  keyed.sort(
    (a, b) =>
      a.declined - b.declined ||
      a.foreign - b.foreign ||
      byStrategy(a.operator, b.operator) ||
      (chat ? (a.operator.chats ?? 0) - (b.operator.chats ?? 0) : 0) ||
      a.operator.idleSince - b.operator.idleSince ||
      // Last tie-break, for a stable order: the id (code units, not the locale's collation).
      (a.operator.id < b.operator.id ? -1 : a.operator.id > b.operator.id ? 1 : 0),
  );
  return keyed.map(({ operator }) => operator);
}

/** Strategies whose order is the idle time once the preferences are applied. */
const IDLE_ORDERED: ReadonlySet<RoutingStrategy> = new Set(['longest-idle', 'ring-all']);

/**
 * How many of `ranked` (rankOperators over a window of the longest idle operators, not the whole pool)
 * are for certain also the first of the whole pool's ranking, in the same order. For an idle-ordered
 * strategy the operators who neither declined this contact nor miss its language are ranked by idle time,
 * so those of them inside a longest-idle window are exactly the head of the whole pool's ranking; anyone
 * after them (who declined, or speaks another language) might be beaten by an operator outside the
 * window. Other strategies, and a named transfer not found in the window, need the whole pool (0).
 */
export function decidedByWindow(
  head: WaitingHead,
  ranked: readonly RoutableOperator[],
  declined: ReadonlySet<string>,
  strategy: RoutingStrategy = 'longest-idle',
): number {
  if (head.targetOperatorId) return ranked.length;
  if (!IDLE_ORDERED.has(strategy)) return 0;
  let decided = 0;
  while (
    decided < ranked.length &&
    !declined.has(ranked[decided]!.id) &&
    (!head.language || ranked[decided]!.languages.includes(head.language))
  )
    decided++;
  return decided;
}

/**
 * The first waiting contact of each capacity channel among a queue's waiting line (head first): calls
 * and chats share a queue, and a chat is not held behind a call nobody can take (nor the reverse).
 * Within each channel the order of the line is kept, so the oldest first holds per channel.
 */
export function channelHeads<T extends { channel: CapacityChannel }>(waiting: readonly T[]): T[] {
  const heads: T[] = [];
  for (const entry of waiting) {
    if (!heads.some((head) => head.channel === entry.channel)) heads.push(entry);
    if (heads.length === 2) break;
  }
  return heads;
}

/**
 * The fairness rule across queues: queues are served in order of their head's wait measured against the
 * queue's service-level target (`waited / target`), plus one target's worth per priority point. A queue
 * with a short target climbs quickly; a long-waiting head always climbs, so no queue starves.
 */
export function queueUrgency(
  head: WaitingHead,
  now: number,
  targetSeconds: number,
  priority: number,
): number {
  const waitedSeconds = Math.max(0, (now - head.enqueuedAt) / 1000);
  return waitedSeconds / Math.max(1, targetSeconds) + priority;
}
