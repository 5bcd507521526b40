import { Controller, Get, HttpCode, Param, ParseUUIDPipe, Post, Query, Req, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiParam, ApiQuery, ApiTags } from '@nestjs/swagger';
import { AuthenticatedRequest, JwtAuthGuard, Roles } from '@centralino/auth';
import { deliveriesQuerySchema } from './department-message.dto';
import { MessageDeliveryService } from './message-delivery.service';
import { deliveryView } from './message-view';

/** Admins: deliveries to the departments' tools, the dead-letter list and its re-drive action. */
@ApiTags('admin')
@ApiBearerAuth()
@Controller('admin/deliveries')
@UseGuards(JwtAuthGuard)
@Roles('admin')
export class DeadLettersController {
  constructor(private readonly deliveries: MessageDeliveryService) {}

  @Get()
  @ApiOperation({
    summary: 'Message deliveries by status (default dead: the dead-letter list), newest first',
  })
  @ApiQuery({ name: 'status', required: false, enum: ['pending', 'delivered', 'dead'] })
  @ApiQuery({ name: 'limit', required: false, description: '1-500, default 100' })
  async list(@Query() query: unknown) {
    const { status, limit } = deliveriesQuerySchema.parse(query ?? {});
    return { deliveries: (await this.deliveries.list(status, limit)).map(deliveryView) };
  }

  @Post(':id/redrive')
  @HttpCode(200)
  @ApiOperation({ summary: 'Re-drive a dead delivery: a fresh series of attempts with backoff' })
  @ApiParam({ name: 'id', format: 'uuid' })
  async redrive(@Req() request: AuthenticatedRequest, @Param('id', new ParseUUIDPipe()) id: string) {
    return deliveryView(await this.deliveries.redrive(id, request.user.username));
  }
}
