import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { Queue, Worker } from 'bullmq';
import { AppConfig } from '@centralino/config';
import { PRIVACY_JOBS, PRIVACY_QUEUE, PrivacyJobName, QueueRegistry } from '@centralino/queueing';
import { PrivacyService } from './privacy.service';

const SCHEDULER_ID = 'retention-sweep';
const SWEEP_JOB: PrivacyJobName = 'privacy.retention-sweep';

/**
 * The retention sweep as a BullMQ job scheduler (worker role): every worker upserts the same scheduler,
 * so there is one schedule whatever the number of workers, and one of them runs each sweep. Without a
 * retention period the scheduler is removed, so turning retention off takes effect at the next start.
 */
@Injectable()
export class PrivacyRetentionProcessor implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(PrivacyRetentionProcessor.name);
  private readonly queue: Queue;
  private worker: Worker | null = null;

  constructor(
    private readonly queues: QueueRegistry,
    private readonly privacy: PrivacyService,
    private readonly config: AppConfig,
  ) {
    this.queue = new Queue(PRIVACY_QUEUE, queues.options());
    queues.track(this.queue);
  }

  async onApplicationBootstrap(): Promise<void> {
    if (this.config.env.PRIVACY_RETENTION_DAYS === undefined) {
      await this.queue.removeJobScheduler(SCHEDULER_ID);
      return;
    }
    await this.queue.upsertJobScheduler(
      SCHEDULER_ID,
      { every: this.config.env.PRIVACY_SWEEP_INTERVAL_SECONDS * 1000 },
      { name: SWEEP_JOB, data: {}, opts: { removeOnComplete: 100, removeOnFail: 100 } },
    );
    this.worker = new Worker(
      PRIVACY_QUEUE,
      async (job) => {
        PRIVACY_JOBS[job.name as PrivacyJobName].parse(job.data);
        return { erased: await this.privacy.sweep() };
      },
      { ...this.queues.workerOptions(), concurrency: 1 },
    );
    this.worker.on('failed', (job, error) =>
      this.logger.error({ err: error, jobId: job?.id }, 'retention sweep failed (retried at the next run)'),
    );
  }

  async onApplicationShutdown(): Promise<void> {
    await this.worker?.close();
    await this.queue.close();
  }
}
