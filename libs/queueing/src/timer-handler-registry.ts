import { Injectable } from '@nestjs/common';
import { TIMER_JOBS, TimerJobName, TimerJobPayload } from './job-contracts';
import { TimerHandler } from './timer-handler';

/**
 * Maps every timer job name to its handler. Services register their handlers in `onModuleInit`; the
 * worker calls `assertComplete()` before it starts, so a job without a handler stops the boot instead of
 * failing silently at 3 a.m.
 */
@Injectable()
export class TimerHandlerRegistry {
  private readonly handlers = new Map<TimerJobName, TimerHandler<never>>();

  register<N extends TimerJobName>(name: N, handler: TimerHandler<N>): void {
    if (this.handlers.has(name)) throw new Error(`Timer job ${name} already has a handler`);
    this.handlers.set(name, handler as TimerHandler<never>);
  }

  assertComplete(): void {
    const missing = (Object.keys(TIMER_JOBS) as TimerJobName[]).filter((name) => !this.handlers.has(name));
    if (missing.length > 0) throw new Error(`Timer jobs without a handler: ${missing.join(', ')}`);
  }

  async handle(name: string, data: unknown): Promise<void> {
    if (!(name in TIMER_JOBS)) throw new Error(`Unknown timer job ${name}`);
    const jobName = name as TimerJobName;
    const payload = TIMER_JOBS[jobName].parse(data) as TimerJobPayload<typeof jobName>;
    const handler = this.handlers.get(jobName) as TimerHandler<typeof jobName> | undefined;
    if (!handler) throw new Error(`Timer job ${name} has no handler`);
    await handler(payload);
  }
}
