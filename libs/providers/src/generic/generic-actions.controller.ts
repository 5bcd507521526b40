import { Controller, Get, Headers, Param, Req } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import { MetricsService } from '@centralino/observability';
import { GENERIC_PROVIDER, GenericAdapter, GenericCallActions } from './generic.adapter';

/**
 * For gateways driven by commands (docs/generic-webhook.md): what to do with a call now, for a gateway
 * that polls instead of receiving pushed `call.actions`. Signed like the webhooks, with the request path
 * in place of the body: `Webhook-Signature: t=<unix>,v1=hex(HMAC-SHA256(secret, "<t>.<path>"))`.
 */
@ApiTags('webhooks')
@Controller('webhooks/generic/calls')
export class GenericActionsController {
  constructor(
    private readonly generic: GenericAdapter,
    private readonly metrics: MetricsService,
  ) {}

  @Get(':callId/actions')
  @ApiOperation({
    summary:
      'Generic gateway: the current actions of a call (say/pause while waiting, connect once accepted, hangup when over); signed over the path',
  })
  actions(
    @Req() request: FastifyRequest,
    @Param('callId') callId: string,
    @Headers('webhook-signature') signature?: string,
    @Headers('webhook-key-id') keyId?: string,
  ): Promise<GenericCallActions> {
    return this.metrics.trackWebhook(GENERIC_PROVIDER, async () => {
      const gateway = this.generic.verify(signature, Buffer.from(request.url), keyId);
      return this.generic.actionsFor(callId, gateway);
    });
  }
}
