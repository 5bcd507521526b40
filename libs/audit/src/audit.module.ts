import { DynamicModule, Global, Module } from '@nestjs/common';
import { AuditController } from './audit.controller';
import { AuditRepository } from './audit.repository';
import { AuditService } from './audit.service';

/** The audit log: `AuditService` for every module (global), `GET /admin/audit` on the http role. */
@Global()
@Module({})
export class AuditModule {
  static forRoot(options: { http: boolean }): DynamicModule {
    return {
      module: AuditModule,
      controllers: options.http ? [AuditController] : [],
      providers: [AuditRepository, AuditService],
      exports: [AuditService],
    };
  }
}
