import { Body, Controller, HttpCode, Post, Req, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiOperation, ApiTags } from '@nestjs/swagger';
import { z } from 'zod';
import { AuthenticatedRequest, JwtAuthGuard, Roles } from '@centralino/auth';
import { eraseRequestSchema } from './erase.dto';
import { PrivacyService } from './privacy.service';

@ApiTags('admin')
@ApiBearerAuth()
@Controller('admin/privacy')
@UseGuards(JwtAuthGuard)
@Roles('admin')
export class PrivacyController {
  constructor(private readonly privacy: PrivacyService) {}

  /** A caller's request to be forgotten: their number, names, transcripts and message texts go. */
  @Post('erase')
  @HttpCode(200)
  @ApiOperation({
    summary:
      "Erase one caller's personal data (number, names, transcripts, message texts) from every ended contact; report figures stay the same",
  })
  @ApiBody({ schema: z.toJSONSchema(eraseRequestSchema, { io: 'input' }) as Record<string, unknown> })
  erase(@Req() request: AuthenticatedRequest, @Body() body: unknown) {
    const { address } = eraseRequestSchema.parse(body ?? {});
    return this.privacy.eraseCaller(request.user, address);
  }
}
