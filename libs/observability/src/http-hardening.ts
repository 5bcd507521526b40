import helmet from '@fastify/helmet';
import rateLimit from '@fastify/rate-limit';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { FastifyRequest, RouteOptions } from 'fastify';
import type { Redis } from 'ioredis';
import type { Env } from '@centralino/config';
import { MetricsService } from './metrics.service';

/** Route classes with their own rate limit; `ops` (health, metrics) is never limited. */
export type RouteClass = 'login' | 'webhooks' | 'admin' | 'api' | 'ops';

export function routeClass(url: string): RouteClass {
  if (url === '/metrics' || url === '/health' || url.startsWith('/health/')) return 'ops';
  if (url.startsWith('/auth/')) return 'login';
  if (url.startsWith('/webhooks/') || url === '/webhooks') return 'webhooks';
  if (url.startsWith('/admin/') || url === '/admin') return 'admin';
  return 'api';
}

function perMinute(env: Env, cls: Exclude<RouteClass, 'ops'>): number {
  return {
    login: env.RATE_LIMIT_LOGIN_PER_MINUTE,
    webhooks: env.RATE_LIMIT_WEBHOOKS_PER_MINUTE,
    admin: env.RATE_LIMIT_ADMIN_PER_MINUTE,
    api: env.RATE_LIMIT_API_PER_MINUTE,
  }[cls];
}

/** Fastify's `trustProxy` from TRUST_PROXY: `true` (trust every proxy) or a list of addresses/CIDRs. */
export function trustProxy(value: string | undefined): boolean | string[] {
  if (!value || value === 'false') return false;
  if (value === 'true') return true;
  return value
    .split(',')
    .map((item) => item.trim())
    .filter(Boolean);
}

/**
 * Security headers, the CORS allow-list and per-route-class rate limits (counted in Redis, so every
 * instance behind a load balancer shares them). Must run before the application registers its routes.
 */
export async function hardenHttp(
  app: NestFastifyApplication,
  options: { env: Env; redis: Redis; redisPrefix: string; metrics: MetricsService },
): Promise<void> {
  const { env, metrics } = options;
  await app.register(helmet, {
    // Swagger UI at /docs loads its own script and inline styles; everything else is JSON.
    contentSecurityPolicy: {
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'", "'unsafe-inline'"],
        imgSrc: ["'self'", 'data:'],
        connectSrc: ["'self'"],
        frameAncestors: ["'none'"],
        // Many switchboards run on a plain-HTTP LAN address: upgrading would break the consoles there.
        upgradeInsecureRequests: null,
      },
    },
  });
  if (env.CORS_ORIGINS.length > 0) {
    app.enableCors({ origin: env.CORS_ORIGINS, credentials: true, maxAge: 600 });
  }

  // Give every route its class's limit before @fastify/rate-limit reads the route config.
  app
    .getHttpAdapter()
    .getInstance()
    .addHook('onRoute', (route: RouteOptions) => {
      const cls = routeClass(route.url);
      const config = (route.config ?? {}) as Record<string, unknown>;
      if (config.rateLimit !== undefined) return;
      route.config = {
        ...config,
        rateLimit: cls === 'ops' ? false : { max: perMinute(env, cls), timeWindow: 60_000 },
      } as RouteOptions['config'];
    });
  await app.register(rateLimit, {
    global: true,
    redis: options.redis,
    nameSpace: `${options.redisPrefix}:rate-limit:`,
    skipOnError: true,
    onExceeded: (request: FastifyRequest) =>
      metrics.rateLimited.inc({ route_class: routeClass(request.routeOptions.url ?? '') }),
    errorResponseBuilder: (_request, context) => ({
      statusCode: context.statusCode,
      error: 'rate_limited',
      message: `Too many requests, retry in ${context.after}`,
    }),
  });
}
