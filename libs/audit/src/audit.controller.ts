import { Controller, Get, Query, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import { JwtAuthGuard, Roles } from '@centralino/auth';
import { auditQuerySchema } from './audit-query.dto';
import { AuditService } from './audit.service';

/** Admins read the audit log of supervisor and admin actions (docs/operating.md, "Audit log"). */
@ApiTags('admin')
@ApiBearerAuth()
@Controller('admin/audit')
@UseGuards(JwtAuthGuard)
@Roles('admin')
export class AuditController {
  constructor(private readonly audit: AuditService) {}

  @Get()
  @ApiOperation({ summary: 'Audit entries, newest first, filtered by actor, action, target and time' })
  @ApiQuery({ name: 'actor', required: false, description: 'Username, or cli / system' })
  @ApiQuery({ name: 'action', required: false, description: 'Exact (user.create) or a prefix (user.*)' })
  @ApiQuery({ name: 'target', required: false, description: 'e.g. user:giulia, contact:<uuid>' })
  @ApiQuery({ name: 'from', required: false, description: 'ISO 8601 date or date-time (inclusive)' })
  @ApiQuery({ name: 'to', required: false, description: 'ISO 8601 date or date-time (exclusive)' })
  @ApiQuery({ name: 'limit', required: false, description: '1-500, default 100' })
  async list(@Query() query: unknown) {
    return { entries: await this.audit.find(auditQuerySchema.parse(query ?? {})) };
  }
}
