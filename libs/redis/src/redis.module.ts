import { DynamicModule, Global, Module } from '@nestjs/common';
import { RedisOptions } from './redis-options';
import { RedisService } from './redis.service';

@Global()
@Module({})
export class RedisModule {
  static forRoot(options: RedisOptions): DynamicModule {
    return {
      module: RedisModule,
      providers: [{ provide: RedisOptions, useValue: options }, RedisService],
      exports: [RedisOptions, RedisService],
    };
  }
}
