import { RoutableOperator } from './operator-state';

export interface WaitingHead {
  contactId: string;
  queue: string;
  skill: string;
  language: string | null;
  enqueuedAt: number;
  /** Transferred to this operator by name: only they may be offered it (until it falls back). */
  targetOperatorId?: string;
}

/**
 * Longest-idle strategy: among operators who have the queue's skill, those who have not just declined or
 * missed this contact come first, then those who speak the caller's language, then the one idle the
 * longest. Declining and language are preferences, not exclusions: if the only operator who can take the
 * contact declined it a moment ago, they get it again rather than leave the caller waiting.
 */
export function rankOperators(
  head: WaitingHead,
  operators: readonly RoutableOperator[],
  declined: ReadonlySet<string> = new Set(),
): RoutableOperator[] {
  // A named transfer is explicit: that operator only, whatever their skills.
  if (head.targetOperatorId) return operators.filter((operator) => operator.id === head.targetOperatorId);
  return operators
    .filter((operator) => (operator.skills[head.skill] ?? 0) > 0)
    .sort((a, b) => {
      const declinedA = declined.has(a.id) ? 1 : 0;
      const declinedB = declined.has(b.id) ? 1 : 0;
      if (declinedA !== declinedB) return declinedA - declinedB;
      if (head.language) {
        const speaksA = a.languages.includes(head.language) ? 0 : 1;
        const speaksB = b.languages.includes(head.language) ? 0 : 1;
        if (speaksA !== speaksB) return speaksA - speaksB;
      }
      return a.idleSince - b.idleSince || a.id.localeCompare(b.id);
    });
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
