import 'reflect-metadata';
import { INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { join } from 'node:path';
import { Logger } from 'nestjs-pino';
import { AppConfig } from '@centralino/config';
import { ErrorResponseFilter } from '@centralino/observability';
import { RedisIoAdapter } from '@centralino/realtime';
import { EmbeddedRedisServer, RedisService } from '@centralino/redis';
import { registerWebPages } from '@centralino/web';
import { AppModule } from './app.module';

export interface RunningCentralino {
  app: INestApplicationContext;
  /** Base URL of the HTTP role, or null for a worker-only process. */
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
    if (config.hasRole('http')) {
      const httpApp = await NestFactory.create<NestFastifyApplication>(
        module,
        new FastifyAdapter({ bodyLimit: 1024 * 1024 }),
        { rawBody: true, bufferLogs: true },
      );
      httpApp.useLogger(httpApp.get(Logger));
      httpApp.useGlobalFilters(new ErrorResponseFilter());
      httpApp.useWebSocketAdapter(new RedisIoAdapter(httpApp, httpApp.get(RedisService)));
      await registerWebPages(httpApp);
      await httpApp.listen(config.env.PORT, config.env.HOST);
      const address = httpApp.getHttpServer().address();
      const port = typeof address === 'object' && address ? address.port : config.env.PORT;
      url = `http://127.0.0.1:${port}`;
      app = httpApp;
    } else {
      app = await NestFactory.createApplicationContext(module, { bufferLogs: true });
      app.useLogger(app.get(Logger));
      await app.init();
    }
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
