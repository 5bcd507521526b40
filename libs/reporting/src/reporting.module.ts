import { DynamicModule, Global, Module } from '@nestjs/common';
import { CallerHistoryService } from './caller-history.service';
import { OperatorEventDrainer } from './operator-event.drainer';
import { ReportRepository } from './report.repository';
import { ReportService } from './report.service';
import { ReportsController } from './reports.controller';

/**
 * Reporting: the REST reports (http role), the read repository the live dashboard shares, and the
 * drainer of operator state changes into the database (worker role).
 */
@Global()
@Module({})
export class ReportingModule {
  static forRoot(options: { http: boolean; worker: boolean }): DynamicModule {
    return {
      module: ReportingModule,
      controllers: options.http ? [ReportsController] : [],
      providers: [
        ReportRepository,
        ...(options.http ? [ReportService, CallerHistoryService] : []),
        ...(options.worker ? [OperatorEventDrainer] : []),
      ],
      exports: [ReportRepository],
    };
  }
}
