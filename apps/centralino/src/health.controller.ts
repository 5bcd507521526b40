import { Controller, Get } from '@nestjs/common';

@Controller('health')
export class HealthController {
  /** Liveness: the process serves HTTP. */
  @Get()
  live() {
    return { status: 'ok' };
  }
}
