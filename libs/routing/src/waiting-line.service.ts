import { Injectable, Logger } from '@nestjs/common';
import { Job } from 'bullmq';
import { QueueRegistry, WaitingContact } from '@centralino/queueing';

/**
 * Operations on a waiting contact's BullMQ job that any process may run, given the lock token the
 * dispatcher took it with. Each is best-effort: a job that moved on (stalled back to wait, removed) is
 * left to the dispatcher, which checks the contact's recorded state before offering it.
 */
@Injectable()
export class WaitingLineService {
  private readonly logger = new Logger(WaitingLineService.name);

  constructor(private readonly queues: QueueRegistry) {}

  private async job(queue: string, jobId: string): Promise<Job<WaitingContact> | undefined> {
    return (await this.queues.waitingLine(queue).getJob(jobId)) as Job<WaitingContact> | undefined;
  }

  /** Back to the head of its queue, keeping its place (reject, timeout). */
  async putBack(queue: string, jobId: string, token: string): Promise<void> {
    const job = await this.job(queue, jobId);
    await job
      ?.moveToWait(token)
      .catch((error: Error) => this.logger.debug(`putBack ${jobId}: ${error.message}`));
  }

  /**
   * Ends a named transfer's exclusivity: the contact may go to any operator of its queue. Safe on an
   * offered (locked) job too: only its data changes.
   */
  async dropTarget(queue: string, jobId: string): Promise<boolean> {
    const job = await this.job(queue, jobId);
    if (!job?.data.targetOperatorId) return false;
    const { targetOperatorId: _dropped, ...data } = job.data;
    void _dropped;
    await job
      .updateData(data)
      .catch((error: Error) => this.logger.debug(`dropTarget ${jobId}: ${error.message}`));
    return true;
  }

  /** Leaves the waiting line for good (accepted, abandoned). */
  async finish(queue: string, jobId: string, token: string | null, outcome: string): Promise<void> {
    const job = await this.job(queue, jobId);
    if (!job) return;
    if (token) {
      const done = await job.moveToCompleted(outcome, token, false).then(
        () => true,
        () => false,
      );
      if (done) return;
    }
    await job.remove().catch((error: Error) => this.logger.debug(`remove ${jobId}: ${error.message}`));
  }
}
