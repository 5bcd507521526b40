import { Injectable, OnApplicationShutdown } from '@nestjs/common';
import { Queue } from 'bullmq';
import { AppConfig } from '@centralino/config';
import { DELIVERIES_QUEUE, DeliveryJobName, DeliveryJobPayload, QueueRegistry } from '@centralino/queueing';

/** Adds delivery jobs, each with the configured attempts and exponential backoff (DELIVERY_*). */
@Injectable()
export class DeliveryQueue implements OnApplicationShutdown {
  private readonly queue: Queue;

  constructor(
    queues: QueueRegistry,
    private readonly config: AppConfig,
  ) {
    this.queue = new Queue(DELIVERIES_QUEUE, queues.options());
    queues.track(this.queue);
  }

  /** The job id makes adding twice harmless (a retried hand-over, a second re-drive click). */
  async add<N extends DeliveryJobName>(
    name: N,
    payload: DeliveryJobPayload<N>,
    jobId: string,
  ): Promise<void> {
    await this.queue.add(name, payload, {
      jobId,
      attempts: this.config.env.DELIVERY_ATTEMPTS,
      backoff: { type: 'exponential', delay: this.config.env.DELIVERY_BACKOFF_MS },
      removeOnComplete: true,
      removeOnFail: 1000,
    });
  }

  async onApplicationShutdown(): Promise<void> {
    await this.queue.close();
  }
}
