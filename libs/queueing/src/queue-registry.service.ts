import { Injectable, OnApplicationShutdown } from '@nestjs/common';
import { Job, Queue, Worker } from 'bullmq';
import { FrontOfficeConfig } from '@centralino/config';
import { RedisService } from '@centralino/redis';
import { TimerJobName, TimerJobPayload, WaitingContact } from './job-contracts';
import {
  peekWaitingJobs,
  placeWaitingJob,
  promoteWaitingJob,
  WaitingJob,
  waitingJobPosition,
} from './waiting-order';

export const TIMERS_QUEUE = 'timers';

/**
 * The BullMQ queues of centralino: one waiting line per problem type (`contacts.<type>`), whose jobs are
 * waiting contacts taken by the dispatcher, and one `timers` queue for delayed work.
 */
@Injectable()
export class QueueRegistry implements OnApplicationShutdown {
  private readonly waiting = new Map<string, Queue<WaitingContact>>();
  private readonly timers: Queue;
  /** Queues other libraries own (deliveries, privacy), listed for inspection (the admin queue board). */
  private readonly others = new Map<string, Queue>();
  readonly prefix: string;

  constructor(
    private readonly redis: RedisService,
    frontOffice: FrontOfficeConfig,
  ) {
    this.prefix = redis.key('bull');
    for (const type of frontOffice.queueIds) {
      this.waiting.set(type, new Queue<WaitingContact>(QueueRegistry.waitingLineName(type), this.options()));
    }
    this.timers = new Queue(TIMERS_QUEUE, this.options());
  }

  static waitingLineName(problemType: string): string {
    return `contacts.${problemType}`;
  }

  options() {
    return { connection: this.redis.direct, prefix: this.prefix };
  }

  /** A fresh connection for a Worker, which blocks on Redis. */
  workerOptions() {
    return { connection: this.redis.create(), prefix: this.prefix };
  }

  /** Lists a queue another library created, so the admin queue board shows it too. */
  track(queue: Queue): void {
    this.others.set(queue.name, queue);
  }

  /** Every BullMQ queue of this process: the waiting lines, the timers, then the tracked ones. */
  all(): Queue[] {
    return [...this.waiting.values(), this.timers, ...this.others.values()];
  }

  get queueIds(): string[] {
    return [...this.waiting.keys()];
  }

  waitingLine(problemType: string): Queue<WaitingContact> {
    const queue = this.waiting.get(problemType);
    if (!queue) throw new Error(`No queue for problem type ${problemType}`);
    return queue;
  }

  /** Adds a waiting contact; its job id is the contact id, so adding twice is harmless. */
  async addWaiting(contact: WaitingContact, priority = 0): Promise<void> {
    await this.waitingLine(contact.queue).add('contact', contact, {
      jobId: contact.contactId,
      priority: priority > 0 ? Math.max(1, 100 - priority) : undefined,
      removeOnComplete: true,
      removeOnFail: 1000,
    });
  }

  /** Puts a waiting job where priority then original age say (docs/routing.md); its position, or null. */
  placeWaiting(problemType: string, jobId: string): Promise<number | null> {
    return placeWaitingJob(this.redis.client, this.waitingLine(problemType), jobId);
  }

  /** 1-based position of a waiting job (head = 1), or null when it is not waiting (see waitingJobPosition). */
  waitingPosition(problemType: string, jobId: string): Promise<number | null> {
    return waitingJobPosition(this.redis.client, this.waitingLine(problemType), jobId);
  }

  /** Makes a waiting job the next one taken (see promoteWaitingJob); false if it is not waiting. */
  promoteWaiting(problemType: string, jobId: string): Promise<boolean> {
    return promoteWaitingJob(this.redis.client, this.waitingLine(problemType), jobId);
  }

  /** Which of `jobIds` have no job in `problemType`'s waiting line: one pipelined EXISTS each, one trip. */
  async withoutJob(problemType: string, jobIds: readonly string[]): Promise<string[]> {
    if (jobIds.length === 0) return [];
    const line = this.waitingLine(problemType);
    const pipeline = this.redis.client.pipeline();
    for (const id of jobIds) pipeline.exists(line.toKey(id));
    const results = (await pipeline.exec()) ?? [];
    return jobIds.filter((_, index) => results[index]?.[1] === 0);
  }

  /** The first waiting contacts of a queue, in line order (see peekWaitingJobs). */
  peekWaiting(problemType: string, count = 1): Promise<WaitingJob[]> {
    return peekWaitingJobs(this.redis.client, this.waitingLine(problemType), count);
  }

  async schedule<N extends TimerJobName>(
    name: N,
    payload: TimerJobPayload<N>,
    options: { delayMs: number; jobId: string },
  ): Promise<void> {
    await this.timers.add(name, payload, {
      delay: Math.max(0, options.delayMs),
      jobId: options.jobId,
      removeOnComplete: true,
      removeOnFail: 1000,
      attempts: 5,
      backoff: { type: 'exponential', delay: 500 },
    });
  }

  /** Cancels a scheduled timer; a timer already running or gone is left alone. */
  async cancel(jobId: string): Promise<void> {
    await this.timers.remove(jobId).catch(() => undefined);
  }

  async onApplicationShutdown(): Promise<void> {
    await Promise.all([...this.waiting.values(), this.timers].map((queue) => queue.close()));
  }

  createTimersWorker(processor: (job: Job) => Promise<void>, concurrency = 20): Worker {
    return new Worker(TIMERS_QUEUE, processor, { ...this.workerOptions(), concurrency, autorun: false });
  }
}
