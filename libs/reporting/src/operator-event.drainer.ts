import { BeforeApplicationShutdown, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { OperatorEventRepository } from '@centralino/persistence';
import { OperatorStateStore } from '@centralino/routing';

/** How often the stream is drained, and how many changes per database insert. */
const DRAIN_EVERY_MS = 1_000;
const BATCH = 500;

/**
 * Moves operator state changes from the Redis stream (appended by OperatorStateStore atomically with each
 * change) to the `operator_events` table in batches, off the routing path. Runs in the worker role; two
 * workers draining at once write each change once (its stream id is the primary key) and delete by id.
 */
@Injectable()
export class OperatorEventDrainer implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(OperatorEventDrainer.name);
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> = Promise.resolve();

  constructor(
    private readonly states: OperatorStateStore,
    private readonly events: OperatorEventRepository,
  ) {}

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => this.tick(), DRAIN_EVERY_MS);
    this.timer.unref();
  }

  async beforeApplicationShutdown(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.running;
    // What changed during shutdown (operators logged out) is written before the connections close.
    await this.drain().catch((error: unknown) =>
      this.logger.warn(
        { err: error },
        'Operator events left in Redis at shutdown; the next worker drains them',
      ),
    );
  }

  private tick(): void {
    this.running = this.running
      .then(async () => {
        await this.drain();
      })
      .catch((error: unknown) =>
        this.logger.error({ err: error }, 'Draining operator events failed; retrying'),
      );
  }

  /** Writes every pending change; returns when the stream is empty. */
  async drain(): Promise<number> {
    let written = 0;
    for (;;) {
      const batch = await this.states.pendingEvents(BATCH);
      if (batch.length === 0) return written;
      await this.events.append(
        batch.map((event) => ({
          id: event.id,
          operatorId: event.operatorId,
          state: event.state,
          at: new Date(event.at),
          reason: event.reason,
          contactId: event.contactId,
        })),
      );
      await this.states.dropEvents(batch.map((event) => event.id));
      written += batch.length;
      if (batch.length < BATCH) return written;
    }
  }
}
