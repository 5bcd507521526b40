import { DynamicModule, Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { LoggerModule } from 'nestjs-pino';
import { AdminModule } from '@centralino/admin';
import { AuditModule } from '@centralino/audit';
import { AuthModule } from '@centralino/auth';
import { BackOfficeModule } from '@centralino/back-office';
import { ChatModule } from '@centralino/chat';
import { AppConfig, ConfigModule } from '@centralino/config';
import { IntakeModule } from '@centralino/intake';
import { loggerOptions, ObservabilityModule } from '@centralino/observability';
import { PersistenceModule } from '@centralino/persistence';
import { PrivacyModule } from '@centralino/privacy';
import { ProvidersModule } from '@centralino/providers';
import { QueueingModule, TimersWorker } from '@centralino/queueing';
import { RealtimeModule } from '@centralino/realtime';
import { RedisModule, RedisOptions } from '@centralino/redis';
import { ReportingModule } from '@centralino/reporting';
import { RoutingModule } from '@centralino/routing';
import { SupervisionModule } from '@centralino/supervision';
import { TriageModule } from '@centralino/triage';
import { HealthController } from './health.controller';
import { MetricsController } from './metrics.controller';

/**
 * Composes the libraries for the roles this process runs: `http` (webhooks, REST, socket.io gateways)
 * and/or `worker` (dispatcher, timers, reconciler). Both by default.
 */
@Module({})
export class AppModule {
  static forRoot(config: AppConfig, redisUrl: string): DynamicModule {
    const http = config.hasRole('http');
    const worker = config.hasRole('worker');
    return {
      module: AppModule,
      imports: [
        ConfigModule.forRoot(config),
        LoggerModule.forRoot(loggerOptions(config.env.LOG_LEVEL, config.env.LOG_PRETTY, config.env.LOG_FILE)),
        ObservabilityModule,
        TerminusModule.forRoot(),
        BackOfficeModule.forRoot({ http, worker }),
        RedisModule.forRoot(new RedisOptions(redisUrl, config.env.REDIS_PREFIX)),
        PersistenceModule,
        QueueingModule,
        TriageModule.forRoot({ http }),
        RoutingModule.forRoot({ worker }),
        RealtimeModule.forRoot({ http }),
        AuthModule.forRoot({ http }),
        AuditModule.forRoot({ http }),
        AdminModule.forRoot({ http }),
        PrivacyModule.forRoot({ http, worker }),
        IntakeModule.forRoot(),
        ChatModule,
        ProvidersModule.forRoot({ http }),
        ReportingModule.forRoot({ http, worker }),
        ...(http ? [SupervisionModule] : []),
      ],
      // Every role serves health and metrics over HTTP.
      controllers: [HealthController, MetricsController],
      providers: worker ? [TimersWorker] : [],
    };
  }
}
