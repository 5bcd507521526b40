import { Global, Module } from '@nestjs/common';
import { DeliveryHandlerRegistry } from './delivery-handler-registry';
import { QueueMetrics } from './queue-metrics';
import { QueueRegistry } from './queue-registry.service';
import { TimerHandlerRegistry } from './timer-handler-registry';

@Global()
@Module({
  providers: [QueueRegistry, TimerHandlerRegistry, DeliveryHandlerRegistry, QueueMetrics],
  exports: [QueueRegistry, TimerHandlerRegistry, DeliveryHandlerRegistry],
})
export class QueueingModule {}
