/**
 * Where a contact goes given its queue's rules (docs/routing.md, "Queue rules"): wait in the queue, or be
 * diverted because the queue is closed (`outOfHours`), full (`maxLength`, `overflow`) or the contact has
 * waited too long there (`maxWaitSeconds`, `overflow`). A diversion to another queue is judged by that
 * queue's own rules in turn, so a chain of queues works; a chain that comes back to a queue already
 * visited has nowhere left to go and ends `closed`. Pure: the caller reads the calendars and the lengths.
 */

/** One of a queue's rules: the front-office `{action, queue?, department?}` (validated at start-up). */
export interface QueueDiversionRule {
  action: 'overflow' | 'message' | 'announce';
  queue?: string;
  department?: string;
}

/** What the decision needs to know about one queue, read at the moment of the decision. */
export interface QueueRulesView {
  id: string;
  /** Its calendar says open now. */
  open: boolean;
  /** When it opens next (for the closed announcement); null when open now or never. */
  nextOpening: Date | null;
  /** Contacts waiting in it now (not yet offered), not counting the one being placed. */
  waiting: number;
  maxLength?: number;
  outOfHours: QueueDiversionRule;
  overflow: QueueDiversionRule;
}

/** Why a contact was diverted: its queue was closed, full, or it waited there too long. */
export type DiversionReason = 'out_of_hours' | 'queue_full' | 'max_wait';

/** One move from a queue to the one its rule names. */
export interface QueueHop {
  from: string;
  to: string;
  reason: DiversionReason;
}

export type QueuePlacement =
  | { kind: 'wait'; queue: string; hops: QueueHop[] }
  | { kind: 'message'; queue: string; department: string | null; reason: DiversionReason; hops: QueueHop[] }
  | { kind: 'closed'; queue: string; reason: DiversionReason; nextOpening: Date | null; hops: QueueHop[] };

/**
 * Places a contact that arrives for `start` (`forced` absent), or one that is already in `start` and must
 * leave it (`forced`: it waited too long, or it turned out to be one too many for `maxLength`), in which
 * case `start`'s `overflow` applies directly. Queues missing from `views` count as open and unlimited.
 */
export function placeContact(
  start: string,
  views: ReadonlyMap<string, QueueRulesView>,
  forced?: Exclude<DiversionReason, 'out_of_hours'>,
): QueuePlacement {
  const hops: QueueHop[] = [];
  const visited = new Set<string>([start]);
  let queue = start;
  for (;;) {
    const view = views.get(queue);
    let rule: QueueDiversionRule;
    let reason: DiversionReason;
    if (forced && hops.length === 0) {
      rule = view?.overflow ?? { action: 'announce' };
      reason = forced;
    } else if (view && !view.open) {
      rule = view.outOfHours;
      reason = 'out_of_hours';
    } else if (view?.maxLength !== undefined && view.waiting >= view.maxLength) {
      rule = view.overflow;
      reason = 'queue_full';
    } else {
      return { kind: 'wait', queue, hops };
    }
    const nextOpening = reason === 'out_of_hours' ? (view?.nextOpening ?? null) : null;
    switch (rule.action) {
      case 'message':
        return { kind: 'message', queue, department: rule.department ?? null, reason, hops };
      case 'announce':
        return { kind: 'closed', queue, reason, nextOpening, hops };
      case 'overflow': {
        const target = rule.queue;
        // Every queue of the chain is closed or full: nobody can take the contact now.
        if (!target || visited.has(target)) return { kind: 'closed', queue, reason, nextOpening, hops };
        hops.push({ from: queue, to: target, reason });
        visited.add(target);
        queue = target;
      }
    }
  }
}

/** The queues a contact for `start` may reach through the rules (`start` first): the views to read. */
export function reachableQueues(
  start: string,
  rulesOf: (queue: string) => Pick<QueueRulesView, 'outOfHours' | 'overflow'> | undefined,
): string[] {
  const seen = [start];
  for (let index = 0; index < seen.length; index++) {
    const rules = rulesOf(seen[index]);
    for (const target of [rules?.outOfHours.queue, rules?.overflow.queue]) {
      if (target && !seen.includes(target)) seen.push(target);
    }
  }
  return seen;
}
