import { Global, Module } from '@nestjs/common';
import { QueueRegistry } from './queue-registry.service';
import { TimerHandlerRegistry } from './timer-handler-registry';

@Global()
@Module({ providers: [QueueRegistry, TimerHandlerRegistry], exports: [QueueRegistry, TimerHandlerRegistry] })
export class QueueingModule {}
