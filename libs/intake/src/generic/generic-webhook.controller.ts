import { Controller, Headers, HttpCode, Post, Req } from '@nestjs/common';
import type { RawBodyRequest } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { AppConfig, FrontOfficeConfig } from '@centralino/config';
import { DomainError } from '@centralino/contacts';
import { MetricsService } from '@centralino/observability';
import { IntakeResult } from '../inbound-call';
import { IntakeService } from '../intake.service';
import { GenericSignatureVerifier } from './generic-signature.verifier';
import { genericWebhookSchema } from './generic-webhook.dto';

export const GENERIC_PROVIDER = 'generic';

/**
 * The generic signed JSON webhook for any SIP gateway (docs/generic-webhook.md). The signature is checked
 * on the raw bytes before anything is parsed or stored.
 */
@Controller('webhooks/generic')
export class GenericWebhookController {
  private readonly verifier: GenericSignatureVerifier;

  constructor(
    private readonly intake: IntakeService,
    private readonly frontOffice: FrontOfficeConfig,
    private readonly metrics: MetricsService,
    config: AppConfig,
  ) {
    this.verifier = new GenericSignatureVerifier(
      config.genericWebhookSecrets,
      config.env.WEBHOOK_TOLERANCE_SECONDS,
    );
  }

  @Post()
  @HttpCode(200)
  receive(@Req() request: RawBodyRequest<FastifyRequest>, @Headers('webhook-signature') signature?: string) {
    return this.metrics.trackWebhook(GENERIC_PROVIDER, () => this.handle(request, signature));
  }

  private async handle(request: RawBodyRequest<FastifyRequest>, signature: string | undefined) {
    this.verifier.verify(signature, request.rawBody);
    if (request.body === undefined || request.body === null || typeof request.body !== 'object') {
      throw new DomainError('validation_failed', 'The body must be a JSON object');
    }
    const event = genericWebhookSchema.parse(request.body);
    if (event.type === 'call.ended') {
      const result = await this.intake.ended(GENERIC_PROVIDER, event.id, event.callId, event.reason);
      return { ...result, actions: [] };
    }
    if (event.type === 'call.input') {
      const result = await this.intake.input({
        provider: GENERIC_PROVIDER,
        eventKey: event.id,
        externalId: event.callId,
        language: event.language,
        digits: event.digits,
        text: event.speech,
        canClarify: true,
      });
      return this.reply(result);
    }
    const result = await this.intake.receive({
      provider: GENERIC_PROVIDER,
      eventKey: event.id,
      externalId: event.callId,
      channel: 'voice',
      from: event.from,
      to: event.to,
      language: event.language,
      digits: event.digits,
      text: event.speech,
      canClarify: true,
    });
    return this.reply(result);
  }

  /** A clarifying question to gather the caller's answer (a `call.input`), or enqueue with a prompt. */
  private reply(result: IntakeResult) {
    if (result.clarify) {
      const { prompt, language, options } = result.clarify;
      return { ...result, actions: [{ type: 'gather', prompt, language, options }] };
    }
    const say = this.frontOffice.prompt('queued', result.language);
    return {
      ...result,
      actions: [
        ...(say ? [{ type: 'say', text: say, language: result.language }] : []),
        {
          type: 'enqueue',
          queue: result.queue,
          position: result.position,
          estimatedWait: result.estimatedWait,
        },
      ],
    };
  }
}
