import 'reflect-metadata';
import { INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { join } from 'node:path';
import { Logger } from 'nestjs-pino';
import { registerQueueBoard } from '@centralino/admin';
import { AppConfig } from '@centralino/config';
import { ErrorResponseFilter, hardenHttp, MetricsService, trustProxy } from '@centralino/observability';
import { RedisIoAdapter } from '@centralino/realtime';
import { EmbeddedRedisServer, RedisService } from '@centralino/redis';
import { registerWebPages } from '@centralino/web';
import { AppModule } from './app.module';
import { setupOpenApi } from './openapi';

export interface RunningCentralino {
  app: INestApplicationContext;
  /** Base URL of the HTTP server (a worker-only process serves only health and metrics there). */
  url: string | null;
  config: AppConfig;
  stop(): Promise<void>;
}

/**
 * Starts centralino with the given environment: the embedded Redis when REDIS_URL is unset, then the
 * roles of this process. Used by `main.ts` and by the end-to-end tests.
 */
export async function startCentralino(env: Record<string, string | undefined>): Promise<RunningCentralino> {
  const config = new AppConfig(env);
  let embedded: EmbeddedRedisServer | null = null;
  let redisUrl = config.env.REDIS_URL;
  if (!redisUrl) {
    embedded = new EmbeddedRedisServer({
      binary: config.env.REDIS_SERVER_BIN,
      dataDir: join(config.dataDir, 'redis'),
    });
    redisUrl = await embedded.start();
  }
  const module = AppModule.forRoot(config, redisUrl);
  let app: INestApplicationContext;
  let url: string | null = null;
  try {
    // Every role serves HTTP: the http role everything, a worker-only process health and metrics.
    const httpApp = await NestFactory.create<NestFastifyApplication>(
      module,
      new FastifyAdapter({ bodyLimit: 1024 * 1024, trustProxy: trustProxy(config.env.TRUST_PROXY) }),
      { rawBody: true, bufferLogs: true },
    );
    httpApp.useLogger(httpApp.get(Logger));
    httpApp.useGlobalFilters(new ErrorResponseFilter(httpApp.get(MetricsService)));
    const redis = httpApp.get(RedisService);
    await hardenHttp(httpApp, {
      env: config.env,
      redis: redis.create({ maxRetriesPerRequest: 1 }),
      redisPrefix: redis.key(),
      metrics: httpApp.get(MetricsService),
    });
    if (config.hasRole('http')) {
      httpApp.useWebSocketAdapter(new RedisIoAdapter(httpApp, redis));
      setupOpenApi(httpApp);
      await registerWebPages(httpApp);
      await registerQueueBoard(httpApp);
    }
    await httpApp.listen(config.env.PORT, config.env.HOST);
    const address = httpApp.getHttpServer().address();
    const port = typeof address === 'object' && address ? address.port : config.env.PORT;
    url = `http://127.0.0.1:${port}`;
    app = httpApp;
  } catch (error) {
    await embedded?.stop();
    throw error;
  }
  return {
    app,
    url,
    config,
    async stop() {
      await app.close();
      await embedded?.stop();
    },
  };
}
