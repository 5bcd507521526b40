import { Global, Module } from '@nestjs/common';
import { MetricsService } from './metrics.service';
import { ShutdownState } from './shutdown-state';

/** Metrics and the shutdown flag, available to every library. */
@Global()
@Module({ providers: [MetricsService, ShutdownState], exports: [MetricsService, ShutdownState] })
export class ObservabilityModule {}
