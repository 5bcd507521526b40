import { DynamicModule, Module } from '@nestjs/common';
import { GenericWebhookController } from './generic/generic-webhook.controller';
import { IntakeService } from './intake.service';

@Module({})
export class IntakeModule {
  static forRoot(options: { http: boolean }): DynamicModule {
    return {
      module: IntakeModule,
      global: true,
      controllers: options.http ? [GenericWebhookController] : [],
      providers: [IntakeService],
      exports: [IntakeService],
    };
  }
}
