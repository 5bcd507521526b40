import { Controller, Headers, HttpCode, Post, Req } from '@nestjs/common';
import type { RawBodyRequest } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { AppConfig, FrontOfficeConfig } from '@centralino/config';
import { DomainError } from '@centralino/contacts';
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
    config: AppConfig,
  ) {
    this.verifier = new GenericSignatureVerifier(
      config.genericWebhookSecrets,
      config.env.WEBHOOK_TOLERANCE_SECONDS,
    );
  }

  @Post()
  @HttpCode(200)
  async receive(
    @Req() request: RawBodyRequest<FastifyRequest>,
    @Headers('webhook-signature') signature?: string,
  ) {
    this.verifier.verify(signature, request.rawBody);
    if (request.body === undefined || request.body === null || typeof request.body !== 'object') {
      throw new DomainError('validation_failed', 'The body must be a JSON object');
    }
    const event = genericWebhookSchema.parse(request.body);
    if (event.type === 'call.ended') {
      const result = await this.intake.ended(GENERIC_PROVIDER, event.id, event.callId, event.reason);
      return { ...result, actions: [] };
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
    });
    const say = this.frontOffice.prompt('queued', result.language);
    return {
      ...result,
      actions: [
        ...(say ? [{ type: 'say', text: say, language: result.language }] : []),
        { type: 'enqueue', queue: result.queue, position: result.position, estimatedWait: result.estimatedWait },
      ],
    };
  }
}
