import { Controller, Get, Optional, Res, ServiceUnavailableException } from '@nestjs/common';
import { HealthCheck, HealthCheckService, HealthIndicatorService } from '@nestjs/terminus';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { DeliveriesProcessor } from '@centralino/back-office';
import { AppConfig } from '@centralino/config';
import { ShutdownState } from '@centralino/observability';
import { DatabaseService } from '@centralino/persistence';
import { TimersWorker } from '@centralino/queueing';
import { RedisService } from '@centralino/redis';
import { DispatcherService } from '@centralino/routing';

/** How long one dependency may take to answer a readiness probe. */
const CHECK_TIMEOUT_MS = 2000;

/**
 * Liveness and readiness for orchestrators and load balancers. Every role serves them (a worker-only
 * process listens on PORT for health and metrics only).
 */
@ApiTags('operations')
@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly indicators: HealthIndicatorService,
    private readonly redis: RedisService,
    private readonly database: DatabaseService,
    private readonly shutdown: ShutdownState,
    private readonly config: AppConfig,
    @Optional() private readonly dispatcher?: DispatcherService,
    @Optional() private readonly timers?: TimersWorker,
    @Optional() private readonly deliveries?: DeliveriesProcessor,
  ) {}

  @Get()
  @ApiOperation({ summary: 'Liveness (kept for compatibility; same as /health/live)' })
  legacy() {
    return { status: 'ok' };
  }

  @Get('live')
  @ApiOperation({ summary: 'Liveness: the process is up and serving HTTP' })
  live() {
    return { status: 'ok' };
  }

  @Get('ready')
  @HealthCheck()
  @ApiOperation({
    summary:
      'Readiness: Redis, the database and (worker role) the dispatcher, timers and deliveries run; 503 while draining',
  })
  async ready(@Res({ passthrough: true }) reply: FastifyReply) {
    const worker = this.config.hasRole('worker');
    try {
      return await this.health.check([
        () => {
          const check = this.indicators.check('shutdown');
          return this.shutdown.draining ? check.down('draining') : check.up();
        },
        () =>
          this.indicators
            .check('redis')
            .attempt(async () => {
              await this.redis.client.ping();
            })
            .withTimeout(CHECK_TIMEOUT_MS),
        () =>
          this.indicators
            .check('database')
            .attempt(async () => {
              await this.database.read((manager) => manager.query('SELECT 1'));
              return { kind: this.database.embedded ? 'pglite' : 'postgresql' };
            })
            .withTimeout(CHECK_TIMEOUT_MS),
        ...(worker
          ? [
              () => {
                const check = this.indicators.check('dispatcher');
                return this.dispatcher?.isRunning() ? check.up() : check.down('not running');
              },
              () => {
                const check = this.indicators.check('timers');
                return this.timers?.isRunning() ? check.up() : check.down('not running');
              },
              () => {
                const check = this.indicators.check('deliveries');
                return this.deliveries?.isRunning() ? check.up() : check.down('not running');
              },
            ]
          : []),
      ]);
    } catch (error) {
      if (!(error instanceof ServiceUnavailableException)) throw error;
      void reply.status(503);
      const result = error.getResponse() as {
        status?: string;
        details?: Record<string, unknown>;
        error?: Record<string, unknown>;
      };
      // Terminus flags its own shutdown a moment before ShutdownState's hook runs; both mean draining,
      // so the answer says so whichever of the two noticed first.
      const draining = this.shutdown.draining || result.status === 'shutting_down';
      if (draining) {
        const down = { status: 'down', message: 'draining' };
        result.details = { ...result.details, shutdown: down };
        result.error = { ...result.error, shutdown: down };
      }
      return {
        statusCode: 503,
        error: 'not_ready',
        message: draining ? 'centralino is shutting down' : 'A dependency is down',
        details: result,
      };
    }
  }
}
