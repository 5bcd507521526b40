import { CapacityChannel } from './operator-state';

/** One waiting contact in the window a round looked at, in line order, with its queue's urgency. */
export interface RoundEntry<T> {
  item: T;
  channel: CapacityChannel;
  urgency: number;
}

/** The head a round serves next: `promote` when contacts still waiting in its line are ahead of it. */
export interface RoundPick<T> {
  queue: string;
  entry: RoundEntry<T>;
  promote: boolean;
}

/**
 * The order of one multi-head dispatch round. Each queue's window (its first waiting contacts, line
 * order) yields the oldest not-yet-served contact of each capacity channel; the round repeatedly serves
 * the most urgent of these heads across queues (the fairness rule), so several contacts of a queue can be
 * offered in one round while the operator snapshot is read once. Oldest first holds per queue and
 * channel: a channel whose head nobody can take is blocked for the rest of the round (the contacts
 * behind it wait too), and a queue whose line moved under the round (another dispatcher) is blocked
 * whole.
 */
export class RoundHeads<T> {
  private readonly taken = new Map<string, Set<RoundEntry<T>>>();
  private readonly blocked = new Set<string>();

  constructor(private readonly windows: ReadonlyMap<string, readonly RoundEntry<T>[]>) {
    for (const queue of windows.keys()) this.taken.set(queue, new Set());
  }

  /** The most urgent head among the channels `open` says can still be served; null when none is left. */
  next(open: (channel: CapacityChannel) => boolean): RoundPick<T> | null {
    let best: RoundPick<T> | null = null;
    for (const [queue, window] of this.windows) {
      if (this.blocked.has(queue)) continue;
      const taken = this.taken.get(queue)!;
      const seen = new Set<CapacityChannel>();
      let ahead = 0;
      for (const entry of window) {
        if (taken.has(entry)) continue;
        if (!seen.has(entry.channel)) {
          seen.add(entry.channel);
          const usable = open(entry.channel) && !this.blocked.has(`${queue}\u0000${entry.channel}`);
          if (usable && (!best || entry.urgency > best.entry.urgency))
            best = { queue, entry, promote: ahead > 0 };
          if (seen.size === 2) break;
        }
        ahead++;
      }
    }
    return best;
  }

  /** The head was offered: it left the line. */
  served(pick: RoundPick<T>): void {
    this.taken.get(pick.queue)!.add(pick.entry);
  }

  /** Nobody can take this queue's head of `channel` now (or, without a channel, the line moved). */
  block(queue: string, channel?: CapacityChannel): void {
    this.blocked.add(channel ? `${queue}\u0000${channel}` : queue);
  }
}
