import { Controller, Get, Header, Param, Query, UseGuards } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiForbiddenResponse,
  ApiOkResponse,
  ApiOperation,
  ApiParam,
  ApiProduces,
  ApiQuery,
  ApiTags,
  ApiBadRequestResponse,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import { z } from 'zod';
import { JwtAuthGuard, Roles } from '@centralino/auth';
import { INTERVAL_SIZES, REPORT_GROUPINGS } from './domain/report-query';
import { CallerHistoryService } from './caller-history.service';
import { REPORT_CSV_COLUMNS, reportToCsv } from './report-csv';
import { ReportService } from './report.service';

const callerAddressSchema = z
  .string()
  .regex(/^[+0-9A-Za-z:@._-]{3,128}$/, 'a phone number such as +390212345678, or a chat address');

function rangeQueries() {
  return [
    ApiQuery({
      name: 'from',
      description:
        "Start (inclusive): a date (midnight in the front office's time zone) or an ISO 8601 date-time on a 15-minute boundary",
      example: '2026-11-23',
    }),
    ApiQuery({ name: 'to', description: 'End (exclusive), like from', example: '2026-11-24' }),
    ApiQuery({
      name: 'interval',
      required: false,
      enum: INTERVAL_SIZES,
      description: 'Interval size (default 1h)',
    }),
    ApiQuery({
      name: 'groupBy',
      required: false,
      enum: REPORT_GROUPINGS,
      description: 'One row per interval and queue (= problem type), operator or channel (default queue)',
    }),
  ];
}

function applyAll(...decorators: MethodDecorator[]): MethodDecorator {
  return (target, key, descriptor) => {
    for (const decorator of decorators) decorator(target, key, descriptor);
  };
}

/** Interval reports, their CSV export and a caller's history (supervisors and admins; docs/reporting.md). */
@ApiTags('reports')
@ApiBearerAuth()
@ApiUnauthorizedResponse({ description: 'No or invalid access token' })
@ApiForbiddenResponse({ description: 'Operators cannot read reports: supervisor or admin only' })
@Controller('reports')
@UseGuards(JwtAuthGuard)
@Roles('supervisor', 'admin')
export class ReportsController {
  constructor(
    private readonly reports: ReportService,
    private readonly history: CallerHistoryService,
  ) {}

  @Get('intervals')
  @ApiOperation({
    summary: 'Interval statistics from the contact and operator event logs',
    description:
      'Offered, answered, abandoned (short abandons apart), service level, ASA, AHT, longest wait, transfers, ' +
      'messages taken; by operator also time per state and occupancy. Definitions: docs/reporting.md.',
  })
  @applyAll(...rangeQueries())
  @ApiOkResponse({
    description: '{ from, to, interval, groupBy, timeZone, shortAbandonSeconds, rows[], total }',
  })
  @ApiBadRequestResponse({ description: 'A bad range, interval or grouping (the message says which)' })
  intervals(@Query() query: unknown) {
    return this.reports.intervals(this.reports.parseQuery(query));
  }

  @Get('intervals.csv')
  @ApiOperation({
    summary: 'The interval statistics as CSV',
    description: `Columns, in this order (stable; new ones are only appended): ${REPORT_CSV_COLUMNS.join(', ')}.`,
  })
  @applyAll(...rangeQueries())
  @ApiProduces('text/csv')
  @ApiOkResponse({ description: 'text/csv, one header line, CRLF line ends' })
  @ApiBadRequestResponse({ description: 'A bad range, interval or grouping (the message says which)' })
  @Header('content-type', 'text/csv; charset=utf-8')
  @Header('content-disposition', 'attachment; filename="centralino-report.csv"')
  async intervalsCsv(@Query() query: unknown) {
    return reportToCsv(await this.reports.intervals(this.reports.parseQuery(query)));
  }

  @Get('callers/:address/history')
  @ApiOperation({
    summary: "A caller's previous contacts (and messages, once the back office is installed)",
    description: 'Newest first, at most 50, within the retention period. The number is masked in the answer.',
  })
  @ApiParam({
    name: 'address',
    description: 'The caller number as received (E.164), or a chat address',
    example: '+390212345678',
  })
  @ApiOkResponse({ description: '{ caller, since, contacts[], messages }' })
  @ApiBadRequestResponse({ description: 'Not a phone number or address' })
  callerHistory(@Param('address') address: string) {
    return this.history.forCaller(callerAddressSchema.parse(address));
  }
}
