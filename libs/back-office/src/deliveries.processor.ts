import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { Worker } from 'bullmq';
import { DELIVERIES_QUEUE, DeliveryHandlerRegistry, QueueRegistry } from '@centralino/queueing';
import { MessageDeliveryService } from './message-delivery.service';

/** How many deliveries run at once in one worker process (they wait on remote servers, not on CPU). */
const CONCURRENCY = 10;
/** How often pending deliveries without a job are looked for (and once at start-up). */
const SWEEP_INTERVAL_MS = 60_000;

/**
 * Runs delivery jobs (worker role). A handler that throws fails the attempt; BullMQ retries it with
 * backoff, and the handler itself records the last failure as a dead letter.
 */
@Injectable()
export class DeliveriesProcessor implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(DeliveriesProcessor.name);
  private worker: Worker | null = null;
  private sweeper: NodeJS.Timeout | null = null;

  constructor(
    private readonly queues: QueueRegistry,
    private readonly registry: DeliveryHandlerRegistry,
    private readonly deliveries: MessageDeliveryService,
  ) {}

  onApplicationBootstrap(): void {
    this.registry.assertComplete();
    this.worker = new Worker(
      DELIVERIES_QUEUE,
      (job) => {
        const attempts = job.opts.attempts ?? 1;
        return this.registry.handle(job.name, job.data, {
          number: job.attemptsMade + 1,
          final: job.attemptsMade + 1 >= attempts,
        });
      },
      { ...this.queues.workerOptions(), concurrency: CONCURRENCY, autorun: false },
    );
    this.worker
      .run()
      .catch((error: Error) => this.logger.error({ err: error.message }, 'Deliveries worker stopped'));
    this.sweep();
    this.sweeper = setInterval(() => this.sweep(), SWEEP_INTERVAL_MS);
  }

  private sweep(): void {
    this.deliveries
      .sweep()
      .catch((error: Error) =>
        this.logger.warn({ err: error.message }, 'Sweep of pending deliveries failed'),
      );
  }

  isRunning(): boolean {
    return this.worker?.isRunning() ?? false;
  }

  async onApplicationShutdown(): Promise<void> {
    if (this.sweeper) clearInterval(this.sweeper);
    await this.worker?.close();
  }
}
