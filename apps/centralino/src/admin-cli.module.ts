import { DynamicModule, Module } from '@nestjs/common';
import { AdminModule } from '@centralino/admin';
import { AuditModule } from '@centralino/audit';
import { AuthModule } from '@centralino/auth';
import { AppConfig, ConfigModule } from '@centralino/config';
import { ObservabilityModule } from '@centralino/observability';
import { PersistenceModule } from '@centralino/persistence';
import { PrivacyModule } from '@centralino/privacy';
import { RedisModule, RedisOptions } from '@centralino/redis';

/**
 * What `npm run admin` needs: the same services as the REST API (users, audit, token revocation in
 * Redis), without HTTP, workers or queues.
 */
@Module({})
export class AdminCliModule {
  static forRoot(config: AppConfig, redisUrl: string): DynamicModule {
    return {
      module: AdminCliModule,
      imports: [
        ConfigModule.forRoot(config),
        // The repositories count what they store; the CLI's counters are never scraped.
        ObservabilityModule,
        RedisModule.forRoot(new RedisOptions(redisUrl, config.env.REDIS_PREFIX)),
        PersistenceModule,
        AuthModule.forRoot({ http: false, seedOperators: false }),
        AuditModule.forRoot({ http: false }),
        AdminModule.forRoot({ http: false }),
        PrivacyModule.forRoot({ http: false, worker: false }),
      ],
    };
  }
}
