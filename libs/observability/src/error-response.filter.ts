import { ArgumentsHost, Catch, ExceptionFilter, Logger } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { DomainError } from '@centralino/contacts';
import { ErrorBody, toErrorBody } from './error-response';
import { routeClass } from './http-hardening';
import { MetricsService } from './metrics.service';

/** Uniform JSON error bodies for every HTTP route; 5xx are logged with their cause, never returned. */
@Catch()
export class ErrorResponseFilter implements ExceptionFilter {
  private readonly logger = new Logger('HTTP');

  /** With metrics, refusals by a `rate_limited` domain error count like the per-route limits' 429s. */
  constructor(private readonly metrics?: MetricsService) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    const body = toErrorBody(exception);
    if (body.statusCode >= 500) this.logger.error({ err: exception }, 'Unhandled error');
    const reply = host.switchToHttp().getResponse<FastifyReply>();
    const retryAfter = retryAfterSeconds(body);
    if (retryAfter !== null) void reply.header('retry-after', String(retryAfter));
    // The per-route limits count their own refusals (hardenHttp's onExceeded); these are the others.
    if (exception instanceof DomainError && exception.code === 'rate_limited') {
      const url = host.switchToHttp().getRequest<FastifyRequest>().routeOptions?.url ?? '';
      this.metrics?.rateLimited.inc({ route_class: routeClass(url) });
    }
    void reply.status(body.statusCode).send(body);
  }
}

/**
 * A `rate_limited` domain error says how long to wait in its details (`retryAfterSeconds`, or
 * `retryAfterMs` as the chat limiter does); HTTP clients read it from `Retry-After`, as for the
 * per-route limits.
 */
export function retryAfterSeconds(body: ErrorBody): number | null {
  if (body.statusCode !== 429 || typeof body.details !== 'object' || body.details === null) return null;
  const details = body.details as { retryAfterSeconds?: unknown; retryAfterMs?: unknown };
  if (typeof details.retryAfterSeconds === 'number') return Math.max(1, Math.ceil(details.retryAfterSeconds));
  if (typeof details.retryAfterMs === 'number') return Math.max(1, Math.ceil(details.retryAfterMs / 1000));
  return null;
}
