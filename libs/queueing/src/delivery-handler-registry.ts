import { Injectable } from '@nestjs/common';
import { DELIVERY_JOBS, DeliveryJobName, DeliveryJobPayload } from './job-contracts';

/** Which attempt a delivery job is on, so a handler can record a dead letter on the last one. */
export interface DeliveryAttempt {
  /** 1 for the first attempt. */
  number: number;
  /** True when BullMQ will not retry after this attempt fails. */
  final: boolean;
}

export type DeliveryHandler<N extends DeliveryJobName> = (
  payload: DeliveryJobPayload<N>,
  attempt: DeliveryAttempt,
) => Promise<void>;

/**
 * Maps every delivery job name to its handler, like the timers' registry: the deliveries worker calls
 * `assertComplete()` before it starts, so a job without a handler stops the boot.
 */
@Injectable()
export class DeliveryHandlerRegistry {
  private readonly handlers = new Map<DeliveryJobName, DeliveryHandler<never>>();

  register<N extends DeliveryJobName>(name: N, handler: DeliveryHandler<N>): void {
    if (this.handlers.has(name)) throw new Error(`Delivery job ${name} already has a handler`);
    this.handlers.set(name, handler as DeliveryHandler<never>);
  }

  assertComplete(): void {
    const missing = (Object.keys(DELIVERY_JOBS) as DeliveryJobName[]).filter(
      (name) => !this.handlers.has(name),
    );
    if (missing.length > 0) throw new Error(`Delivery jobs without a handler: ${missing.join(', ')}`);
  }

  async handle(name: string, data: unknown, attempt: DeliveryAttempt): Promise<void> {
    if (!(name in DELIVERY_JOBS)) throw new Error(`Unknown delivery job ${name}`);
    const jobName = name as DeliveryJobName;
    const payload = DELIVERY_JOBS[jobName].parse(data) as DeliveryJobPayload<typeof jobName>;
    const handler = this.handlers.get(jobName) as DeliveryHandler<typeof jobName> | undefined;
    if (!handler) throw new Error(`Delivery job ${name} has no handler`);
    await handler(payload, attempt);
  }
}
