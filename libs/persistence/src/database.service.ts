import { Injectable, Logger, OnApplicationShutdown, OnModuleInit, Optional } from '@nestjs/common';
import { AsyncLocalStorage } from 'node:async_hooks';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import type { Pool } from 'pg';
import { DataSource, DataSourceOptions, EntityManager, type Logger as TypeOrmLogger } from 'typeorm';
import type { PostgresDriver } from 'typeorm/driver/postgres/PostgresDriver';
import { PGliteDriver } from 'typeorm-pglite';
import { AppConfig } from '@centralino/config';
import { MetricsService } from '@centralino/observability';
import { ENTITIES } from './entities';
import { MIGRATIONS } from './migrations';

/** Connections of the routing lane (PostgreSQL): the dispatcher's own, next to the main pool's 20. */
const ROUTING_LANE_CONNECTIONS = 8;

/** SQLSTATE of "cached plan must not change result type" (a prepared statement outlived a migration). */
const CACHED_PLAN_CHANGED = '0A000';

/** Arbitrary constant: the advisory lock that keeps two processes from migrating at once. */
const MIGRATION_LOCK_ID = 7_240_311;

/**
 * The database connection: PostgreSQL when DATABASE_URL is set, otherwise an embedded PGlite under
 * DATA_DIR. Migrations run at start-up (never `synchronize`).
 *
 * PGlite is one session shared by every query, so two transactions would interleave on it; on PGlite
 * every unit of work therefore runs one at a time. PostgreSQL runs them concurrently.
 *
 * On PostgreSQL, work run inside `routingLane` uses a small pool of its own: when intake floods the main
 * pool (hundreds of webhooks waiting for a connection), the dispatcher's offers do not queue behind them,
 * so contacts keep flowing to operators instead of piling up.
 */
@Injectable()
export class DatabaseService implements OnModuleInit, OnApplicationShutdown {
  readonly dataSource: DataSource;
  readonly embedded: boolean;
  private readonly logger = new Logger(DatabaseService.name);
  private tail: Promise<unknown> = Promise.resolve();
  private readonly routing: DataSource | null;
  private readonly lane = new AsyncLocalStorage<true>();
  private readonly statementNames = new Map<string, string>();
  private statementGeneration = 0;

  constructor(
    config: AppConfig,
    @Optional() private readonly metrics?: MetricsService,
  ) {
    this.embedded = !config.env.DATABASE_URL;
    const common = {
      entities: ENTITIES,
      migrations: MIGRATIONS,
      synchronize: false,
      logging: false,
      // TypeORM tells its logger of every statement it sends (a transaction's BEGIN and COMMIT too).
      logger: this.statementCounter(),
    } as const;
    let options: DataSourceOptions;
    if (config.env.DATABASE_URL) {
      options = { type: 'postgres', url: config.env.DATABASE_URL, ...common, extra: { max: 20 } };
      this.routing = new DataSource({
        ...options,
        migrations: [],
        extra: { max: ROUTING_LANE_CONNECTIONS },
      });
    } else {
      const dataDir = join(config.dataDir, 'pglite');
      mkdirSync(dataDir, { recursive: true });
      // A new database from the template skips initdb; an existing one (PG_VERSION) is opened as it is.
      const template = config.env.PGLITE_TEMPLATE;
      const fresh = !existsSync(join(dataDir, 'PG_VERSION'));
      const loadDataDir = template && fresh ? new Blob([readFileSync(template)]) : undefined;
      options = {
        type: 'postgres',
        driver: new PGliteDriver({ dataDir, ...(loadDataDir ? { loadDataDir } : {}) }).driver,
        ...common,
      };
      this.routing = null;
    }
    this.dataSource = new DataSource(options);
  }

  /**
   * Counts every statement sent through TypeORM in `centralino_database_statements_total` (the prepared
   * ones `query` sends to the pool itself are counted there): what the hot paths cost the database,
   * measured rather than guessed (test/providers/webhook-statements.e2e-spec.ts). Logs nothing.
   */
  private statementCounter(): TypeOrmLogger {
    const counter = this.metrics?.databaseStatements;
    return {
      logQuery: () => counter?.inc(),
      logQueryError: () => undefined,
      logQuerySlow: () => undefined,
      logSchemaBuild: () => undefined,
      logMigration: () => undefined,
      log: () => undefined,
    };
  }

  async onModuleInit(): Promise<void> {
    await this.dataSource.initialize();
    await this.migrate();
    await this.routing?.initialize();
    this.logger.log(`Database ready (${this.embedded ? 'embedded PGlite' : 'PostgreSQL'})`);
  }

  private async migrate(): Promise<void> {
    if (this.embedded) {
      await this.dataSource.runMigrations({ transaction: 'each' });
      return;
    }
    const runner = this.dataSource.createQueryRunner();
    try {
      await runner.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK_ID]);
      await this.dataSource.runMigrations({ transaction: 'each' });
    } finally {
      await runner.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK_ID]).catch(() => undefined);
      await runner.release();
    }
  }

  /** Runs `work` with every database call it makes (through this service) on the routing lane. */
  routingLane<T>(work: () => Promise<T>): Promise<T> {
    return this.lane.run(true, work);
  }

  /** Whether the caller runs inside `routingLane` (work it defers must go back to that lane). */
  inRoutingLane(): boolean {
    return this.lane.getStore() === true;
  }

  private source(): DataSource {
    return this.routing && this.lane.getStore() ? this.routing : this.dataSource;
  }

  /** Runs `work` in a transaction. */
  transaction<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    return this.exclusive(() => this.source().transaction(work));
  }

  /**
   * One SQL statement with `$n` parameters, outside a transaction (a statement is atomic by itself): the
   * hot paths of routing use it instead of the ORM's query builder and a BEGIN/COMMIT round trip each.
   * `prepared` (PostgreSQL): a named statement, parsed and planned once per connection instead of on every
   * call. Only for statements whose best plan does not depend on the values, i.e. lookups and moves by a
   * unique key: a cached generic plan for a filter on a non-unique column can be far worse than the
   * plan made for the actual values.
   */
  async query<T = Record<string, unknown>>(
    sql: string,
    parameters: unknown[] = [],
    options: { prepared?: boolean } = {},
  ): Promise<T[]> {
    if (this.embedded || !options.prepared)
      return this.exclusive(() => this.source().query(sql, parameters) as Promise<T[]>);
    const pool = (this.source().driver as PostgresDriver).master as Pool;
    this.metrics?.databaseStatements.inc();
    try {
      const result = await pool.query({ name: this.statementName(sql), text: sql, values: parameters });
      return result.rows as T[];
    } catch (error) {
      // Another instance migrated a table under this one's prepared `SELECT *` (a rolling upgrade):
      // PostgreSQL refuses the stale statement. New names make every connection prepare them again.
      if ((error as { code?: string }).code !== CACHED_PLAN_CHANGED) throw error;
      this.statementNames.clear();
      this.statementGeneration++;
      this.metrics?.databaseStatements.inc();
      const result = await pool.query({ name: this.statementName(sql), text: sql, values: parameters });
      return result.rows as T[];
    }
  }

  private statementName(sql: string): string {
    let name = this.statementNames.get(sql);
    if (!name) {
      name = `centralino_${this.statementGeneration}_${createHash('sha1').update(sql).digest('hex').slice(0, 20)}`;
      this.statementNames.set(sql, name);
    }
    return name;
  }

  /** Runs read-only `work` outside a transaction. */
  read<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    return this.exclusive(() => work(this.source().manager));
  }

  private exclusive<T>(work: () => Promise<T>): Promise<T> {
    if (!this.embedded) return work();
    const run = this.tail.then(work, work);
    this.tail = run.catch(() => undefined);
    return run;
  }

  async onApplicationShutdown(): Promise<void> {
    if (this.dataSource.isInitialized) {
      await this.tail.catch(() => undefined);
      if (this.routing?.isInitialized) await this.routing.destroy();
      await this.dataSource.destroy();
    }
  }
}
