import { BeforeApplicationShutdown, Injectable, Logger } from '@nestjs/common';
import { AppConfig } from '@centralino/config';

/**
 * Whether this process is draining. On shutdown readiness turns 503 first, then the process keeps serving
 * for SHUTDOWN_DRAIN_MS so a load balancer notices and stops sending traffic, and only then closes.
 */
@Injectable()
export class ShutdownState implements BeforeApplicationShutdown {
  private readonly logger = new Logger(ShutdownState.name);
  private drainingSince: number | null = null;

  constructor(private readonly config: AppConfig) {}

  get draining(): boolean {
    return this.drainingSince !== null;
  }

  async beforeApplicationShutdown(signal?: string): Promise<void> {
    if (this.draining) return;
    this.drainingSince = Date.now();
    const drainMs = this.config.env.SHUTDOWN_DRAIN_MS;
    this.logger.log({ signal, drainMs }, 'Draining: readiness is now failing');
    if (drainMs > 0) await new Promise((resolve) => setTimeout(resolve, drainMs));
  }
}
