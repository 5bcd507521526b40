import { DynamicModule, Module } from '@nestjs/common';
import { PrivacyController } from './privacy.controller';
import { PrivacyRepository } from './privacy.repository';
import { PrivacyRetentionProcessor } from './privacy-retention.processor';
import { PrivacyService } from './privacy.service';

/** Callers' personal data: erasure on request (REST on the http role, CLI) and the retention sweep (worker). */
@Module({})
export class PrivacyModule {
  static forRoot(options: { http: boolean; worker: boolean }): DynamicModule {
    return {
      module: PrivacyModule,
      controllers: options.http ? [PrivacyController] : [],
      providers: [PrivacyRepository, PrivacyService, ...(options.worker ? [PrivacyRetentionProcessor] : [])],
      exports: [PrivacyService],
    };
  }
}
