import { Global, Module } from '@nestjs/common';
import { QueueMetrics } from './queue-metrics';
import { QueueRegistry } from './queue-registry.service';
import { TimerHandlerRegistry } from './timer-handler-registry';

@Global()
@Module({
  providers: [QueueRegistry, TimerHandlerRegistry, QueueMetrics],
  exports: [QueueRegistry, TimerHandlerRegistry],
})
export class QueueingModule {}
