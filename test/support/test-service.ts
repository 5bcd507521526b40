import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { RunningCentralino, startCentralino } from '../../apps/centralino/src/bootstrap';

export type TestDatabase = 'pglite' | 'postgres';

export const TEST_WEBHOOK_SECRET = 'whsec_test_0123456789abcdef0123456789';
export const TEST_JWT_SECRET = 'test-jwt-secret-0123456789abcdef0123456789';
export const TEST_PASSWORD = 'centralino';

export interface TestService {
  url: string;
  running: RunningCentralino;
  /** The Redis key prefix and the database of this instance, for a second instance sharing them. */
  redisPrefix: string;
  databaseUrl?: string;
  /** The environment it was started with, to start more processes of the same deployment. */
  env: Record<string, string>;
  stop(): Promise<void>;
}

export interface TestServiceOptions {
  /**
   * Another instance of the same deployment: same Redis prefix and same database (PostgreSQL only, as
   * PGlite is single-process), as several instances behind a load balancer.
   */
  sameStoreAs?: TestService;
}

/** A fresh, isolated database name on the shared test PostgreSQL. */
async function createDatabase(): Promise<string> {
  const adminUrl = process.env.CENTRALINO_TEST_DATABASE_URL;
  if (!adminUrl)
    throw new Error('CENTRALINO_TEST_DATABASE_URL is not set: run the tests through jest (global setup)');
  const name = `centralino_${randomBytes(6).toString('hex')}`;
  const client = new Client({ connectionString: adminUrl });
  await client.connect();
  await client.query(`CREATE DATABASE ${name}`);
  await client.end();
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

/**
 * Starts centralino in this process on a free port, against the test run's Redis (with a key prefix of
 * its own, so test files never see each other's queues) and a fresh database of the chosen kind.
 */
export async function startTestService(
  database: TestDatabase,
  env: Record<string, string> = {},
  options: TestServiceOptions = {},
): Promise<TestService> {
  const redisUrl = process.env.CENTRALINO_TEST_REDIS_URL;
  if (!redisUrl)
    throw new Error('CENTRALINO_TEST_REDIS_URL is not set: run the tests through jest (global setup)');
  const dataDir = mkdtempSync(join(tmpdir(), 'centralino-test-'));
  const shared = options.sameStoreAs;
  if (shared && (database !== 'postgres' || !shared.databaseUrl))
    throw new Error('Instances can share a database only on PostgreSQL');
  const databaseUrl = shared?.databaseUrl ?? (database === 'postgres' ? await createDatabase() : undefined);
  const redisPrefix = shared?.redisPrefix ?? `t${randomBytes(5).toString('hex')}`;
  const fullEnv: Record<string, string> = {
    NODE_ENV: 'test',
    PORT: '0',
    HOST: '127.0.0.1',
    DATA_DIR: dataDir,
    REDIS_URL: redisUrl,
    REDIS_PREFIX: redisPrefix,
    FRONT_OFFICE_CONFIG: resolve(__dirname, '../fixtures/front-office.test.yaml'),
    JWT_SECRET: TEST_JWT_SECRET,
    GENERIC_WEBHOOK_SECRETS: TEST_WEBHOOK_SECRET,
    LOG_LEVEL: process.env.CENTRALINO_TEST_LOG_LEVEL ?? 'silent',
    // Tests log in far more often than people do; test/ops sets its own limits.
    RATE_LIMIT_LOGIN_PER_MINUTE: '100000',
    LOGIN_FAILURES_PER_USER_IP: '100000',
    ...(databaseUrl ? { DATABASE_URL: databaseUrl } : {}),
    ...(process.env.CENTRALINO_TEST_PGLITE_TEMPLATE
      ? { PGLITE_TEMPLATE: process.env.CENTRALINO_TEST_PGLITE_TEMPLATE }
      : {}),
    ...env,
  };
  const running = await startCentralino(fullEnv);
  return {
    url: running.url!,
    running,
    redisPrefix,
    databaseUrl,
    env: fullEnv,
    async stop() {
      await running.stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
