import { DynamicModule, Module } from '@nestjs/common';
import { TriageAdminController } from './triage-admin.controller';
import { TriageReloader } from './triage-reloader.service';
import { TriageService } from './triage.service';

@Module({})
export class TriageModule {
  /** The admin endpoint needs the `http` role; every role retrains on SIGHUP. */
  static forRoot(options: { http: boolean }): DynamicModule {
    return {
      module: TriageModule,
      global: true,
      controllers: options.http ? [TriageAdminController] : [],
      providers: [TriageService, TriageReloader],
      exports: [TriageService, TriageReloader],
    };
  }
}
