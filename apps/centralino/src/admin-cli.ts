import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { join } from 'node:path';
import { AdminCli, UserAdminService } from '@centralino/admin';
import { AppConfig, ConfigError } from '@centralino/config';
import { PrivacyCli, PrivacyService } from '@centralino/privacy';
import { EmbeddedRedisServer } from '@centralino/redis';
import { AdminCliModule } from './admin-cli.module';

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/**
 * `npm run admin -- …`: the same environment as the service (DATABASE_URL, REDIS_URL, REDIS_PREFIX,
 * DATA_DIR). With the embedded database and Redis (nothing configured), stop centralino first: the
 * embedded database serves one process.
 */
async function main(): Promise<number> {
  // The CLI's entry point, like main.ts the one place the environment enters; AppConfig validates it.
  // eslint-disable-next-line no-restricted-properties
  const config = new AppConfig(process.env);
  let embedded: EmbeddedRedisServer | null = null;
  let redisUrl = config.env.REDIS_URL;
  if (!redisUrl) {
    embedded = new EmbeddedRedisServer({
      binary: config.env.REDIS_SERVER_BIN,
      dataDir: join(config.dataDir, 'redis'),
    });
    redisUrl = await embedded.start();
  }
  try {
    const app = await NestFactory.createApplicationContext(AdminCliModule.forRoot(config, redisUrl), {
      logger: ['error', 'warn'],
    });
    try {
      const cli = new AdminCli(
        app.get(UserAdminService),
        {
          out: (line) => process.stdout.write(`${line}\n`),
          err: (line) => process.stderr.write(`${line}\n`),
          readStdin,
        },
        [new PrivacyCli(app.get(PrivacyService))],
      );
      return await cli.run(process.argv.slice(2));
    } finally {
      await app.close();
    }
  } finally {
    await embedded?.stop();
  }
}

main()
  .then((code) => process.exit(code))
  .catch((error: Error) => {
    process.stderr.write(
      `${error instanceof ConfigError ? error.message : (error.stack ?? error.message)}\n`,
    );
    process.exit(1);
  });
