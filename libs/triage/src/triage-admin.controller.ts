import { Controller, HttpCode, Post, Req, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { AuditService } from '@centralino/audit';
import { AuthenticatedRequest, JwtAuthGuard, Roles } from '@centralino/auth';
import { RetrainResult } from './triage.service';
import { TriageReloader } from './triage-reloader.service';

/** Admin operations on triage. */
@ApiTags('admin')
@ApiBearerAuth()
@Controller('admin/triage')
@UseGuards(JwtAuthGuard)
@Roles('admin')
export class TriageAdminController {
  constructor(
    private readonly reloader: TriageReloader,
    private readonly audit: AuditService,
  ) {}

  @Post('retrain')
  @HttpCode(200)
  @ApiOperation({
    summary:
      'Re-read the front-office file and retrain the triage classifier (examples, keywords, directory, triage settings); admin only',
  })
  async retrain(@Req() request: AuthenticatedRequest): Promise<RetrainResult> {
    const result = await this.reloader.reload();
    await this.audit.record({ actor: request.user, action: 'triage.retrain', details: { ...result } });
    return result;
  }
}
