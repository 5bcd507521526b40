import { DynamicModule, Global, Module } from '@nestjs/common';
import { AppConfig } from './app-config';
import { FrontOfficeConfig } from './front-office-config';

/** Provides the validated AppConfig (and its FrontOfficeConfig) to every module. */
@Global()
@Module({})
export class ConfigModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: ConfigModule,
      providers: [
        { provide: AppConfig, useValue: config },
        { provide: FrontOfficeConfig, useValue: config.frontOffice },
      ],
      exports: [AppConfig, FrontOfficeConfig],
    };
  }
}
