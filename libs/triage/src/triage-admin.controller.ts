import { Controller, HttpCode, Post, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { JwtAuthGuard, Roles } from '@centralino/auth';
import { RetrainResult } from './triage.service';
import { TriageReloader } from './triage-reloader.service';

/** Admin operations on triage. */
@ApiTags('admin')
@ApiBearerAuth()
@Controller('admin/triage')
@UseGuards(JwtAuthGuard)
@Roles('admin')
export class TriageAdminController {
  constructor(private readonly reloader: TriageReloader) {}

  @Post('retrain')
  @HttpCode(200)
  @ApiOperation({
    summary:
      'Re-read the front-office file and retrain the triage classifier (examples, keywords, directory, triage settings); admin only',
  })
  retrain(): Promise<RetrainResult> {
    return this.reloader.reload();
  }
}
