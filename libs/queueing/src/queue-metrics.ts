import { Injectable, OnModuleInit } from '@nestjs/common';
import { MetricsService, QueueSnapshot } from '@centralino/observability';
import { QueueRegistry } from './queue-registry.service';

/** Feeds the queue gauges of /metrics from BullMQ at scrape time (any role can read the shared Redis). */
@Injectable()
export class QueueMetrics implements OnModuleInit {
  constructor(
    private readonly queues: QueueRegistry,
    private readonly metrics: MetricsService,
  ) {}

  onModuleInit(): void {
    this.metrics.setQueueProbe(() => this.snapshot());
  }

  async snapshot(): Promise<QueueSnapshot[]> {
    return Promise.all(
      this.queues.queueIds.map(async (queue) => {
        const line = this.queues.waitingLine(queue);
        const [counts, heads] = await Promise.all([
          line.getJobCounts('wait', 'prioritized', 'active'),
          line.getJobs(['prioritized', 'wait'], 0, 0, true),
        ]);
        const enqueued = heads.filter(Boolean).map((job) => job.data.enqueuedAt);
        return {
          queue,
          waiting: (counts.wait ?? 0) + (counts.prioritized ?? 0),
          offered: counts.active ?? 0,
          oldestEnqueuedAt: enqueued.length ? Math.min(...enqueued) : null,
        };
      }),
    );
  }
}
