import { existsSync } from 'node:fs';
import { EmbeddedRedisServer } from '../../libs/redis/src/embedded-redis-server';
import { PgliteTemplate } from '../../libs/testing/src/pglite-template';
import { PrivatePostgres } from '../../libs/testing/src/private-postgres';

declare global {
  var __centralinoTestServers:
    { redis?: EmbeddedRedisServer; postgres?: PrivatePostgres; pgliteTemplate?: PgliteTemplate } | undefined;
}

/**
 * Starts a private Redis and PostgreSQL on free ports for this test run, unless
 * CENTRALINO_TEST_REDIS_URL / CENTRALINO_TEST_DATABASE_URL point at servers already running.
 */
export default async function globalSetup(): Promise<void> {
  // The browser tests drive Debian's Chromium (never a downloaded browser).
  if (!existsSync('/usr/bin/chromium')) {
    process.stderr.write('\nChromium is not installed (browser tests): apt-get install chromium\n');
    process.exit(1);
  }
  const servers: NonNullable<typeof globalThis.__centralinoTestServers> = {};
  globalThis.__centralinoTestServers = servers;
  if (!process.env.CENTRALINO_TEST_REDIS_URL) {
    if (!EmbeddedRedisServer.isInstalled()) {
      process.stderr.write(
        '\nredis-server is not installed: apt-get install redis-server (or set CENTRALINO_TEST_REDIS_URL)\n',
      );
      process.exit(1);
    }
    servers.redis = new EmbeddedRedisServer();
    process.env.CENTRALINO_TEST_REDIS_URL = await servers.redis.start();
  }
  if (!process.env.CENTRALINO_TEST_DATABASE_URL) {
    if (!PrivatePostgres.isInstalled()) {
      process.stderr.write(
        '\nPostgreSQL (initdb, pg_ctl) is not installed: apt-get install postgresql (or set CENTRALINO_TEST_DATABASE_URL)\n',
      );
      process.exit(1);
    }
    servers.postgres = new PrivatePostgres();
    process.env.CENTRALINO_TEST_DATABASE_URL = await servers.postgres.start();
  }
  // Every embedded test database starts from one initialised cluster (initdb once, not once per file).
  if (!process.env.CENTRALINO_TEST_PGLITE_TEMPLATE) {
    servers.pgliteTemplate = new PgliteTemplate();
    process.env.CENTRALINO_TEST_PGLITE_TEMPLATE = await servers.pgliteTemplate.create();
  }
}
