import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { Worker } from 'bullmq';
import { QueueRegistry } from './queue-registry.service';
import { TimerHandlerRegistry } from './timer-handler-registry';

/** Runs timer jobs (worker role only). A handler that throws fails the job, and BullMQ retries it. */
@Injectable()
export class TimersWorker implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(TimersWorker.name);
  private worker: Worker | null = null;

  constructor(
    private readonly queues: QueueRegistry,
    private readonly registry: TimerHandlerRegistry,
  ) {}

  onApplicationBootstrap(): void {
    this.registry.assertComplete();
    this.worker = this.queues.createTimersWorker((job) => {
      const contactId = (job.data as { contactId?: unknown }).contactId;
      this.logger.debug(
        {
          correlationId: typeof contactId === 'string' ? contactId : undefined,
          job: job.name,
          jobId: job.id,
        },
        'Timer job',
      );
      return this.registry.handle(job.name, job.data);
    });
    this.worker.on('failed', (job, error) =>
      this.logger.warn({ job: job?.name, jobId: job?.id, err: error.message }, 'Timer job failed'),
    );
    this.worker
      .run()
      .catch((error: Error) => this.logger.error({ err: error.message }, 'Timers worker stopped'));
  }

  /** For the readiness probe. */
  isRunning(): boolean {
    return this.worker?.isRunning() ?? false;
  }

  async onApplicationShutdown(): Promise<void> {
    // close() waits for running handlers to finish; unstarted delayed jobs stay in Redis for the next worker.
    await this.worker?.close();
  }
}
