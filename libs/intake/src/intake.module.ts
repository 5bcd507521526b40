import { DynamicModule, Module } from '@nestjs/common';
import { IntakeService } from './intake.service';

/** The provider-neutral front door; the webhooks that feed it are the adapters in libs/providers. */
@Module({})
export class IntakeModule {
  static forRoot(): DynamicModule {
    return {
      module: IntakeModule,
      global: true,
      providers: [IntakeService],
      exports: [IntakeService],
    };
  }
}
