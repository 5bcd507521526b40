import { Controller, Headers, HttpCode, Logger, Post, Req } from '@nestjs/common';
import type { RawBodyRequest } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { maskPhone } from '@centralino/contacts';
import { MetricsService } from '@centralino/observability';
import { ContactRepository } from '@centralino/persistence';
import { CallFlow } from '../call-flow/call-flow.service';
import { encodeClientState, TELNYX_PROVIDER, TelnyxAdapter } from './telnyx.adapter';
import { telnyxWebhookSchema } from './telnyx.dto';

type TelnyxRequest = RawBodyRequest<FastifyRequest>;

/**
 * Telnyx Call Control v2 webhook (docs/providers/telnyx.md). Telnyx does not read the answer: centralino
 * acts by sending commands, and always answers 200 `{}` to a verified, well-formed event (also for an
 * unknown call, logged) so Telnyx does not retry. Each event is handled once, by `data.id`.
 */
@Controller('webhooks/telnyx')
export class TelnyxWebhookController {
  private readonly logger = new Logger(TelnyxWebhookController.name);

  constructor(
    private readonly telnyx: TelnyxAdapter,
    private readonly flow: CallFlow,
    private readonly contacts: ContactRepository,
    private readonly metrics: MetricsService,
  ) {}

  @Post('call-control')
  @HttpCode(200)
  async receive(
    @Req() request: TelnyxRequest,
    @Headers('telnyx-signature-ed25519') signature?: string,
    @Headers('telnyx-timestamp') timestamp?: string,
  ): Promise<object> {
    try {
      this.telnyx.verify(signature, timestamp, request.rawBody);
    } catch (error) {
      this.logger.warn({ reason: (error as Error).message }, 'Telnyx request refused');
      this.metrics.webhookFailed(TELNYX_PROVIDER, error);
      throw error;
    }
    const { data } = telnyxWebhookSchema.parse(request.body);
    const call = data.payload;
    const fresh = await this.contacts.recordReceipt(
      { provider: TELNYX_PROVIDER, eventKey: data.id, response: { eventType: data.event_type } },
      null,
    );
    if (!fresh) {
      this.metrics.webhooks.inc({ provider: TELNYX_PROVIDER, outcome: 'duplicate' });
      return {};
    }
    switch (data.event_type) {
      case 'call.initiated': {
        if (call.direction && call.direction !== 'incoming') break;
        this.logger.log(
          { callControlId: call.call_control_id, from: maskPhone(call.from) },
          'Telnyx call in',
        );
        await this.telnyx.send(
          call.call_control_id,
          [{ action: 'answer', body: {} }, ...this.telnyx.commands(this.flow.greet(), undefined)],
          data.id,
        );
        break;
      }
      case 'call.gather.ended': {
        const { result, actions } = await this.flow.gathered(
          {
            provider: TELNYX_PROVIDER,
            eventKey: `${call.call_control_id}:gather`,
            externalId: call.call_control_id,
            channel: 'voice',
            from: call.from,
            to: call.to,
            digits: call.digits || undefined,
          },
          { announcePosition: true },
        );
        if (!result.duplicate) {
          await this.telnyx.send(
            call.call_control_id,
            this.telnyx.commands(actions, encodeClientState(result.contactId)),
            data.id,
          );
        }
        break;
      }
      case 'call.hangup':
        await this.flow.ended(
          TELNYX_PROVIDER,
          `${data.id}:end`,
          call.call_control_id,
          call.hangup_cause === 'normal_clearing' ? 'hangup' : (call.hangup_cause ?? 'hangup'),
          call.from,
        );
        break;
      default:
        break; // call.answered, call.speak.ended, call.enqueued, call.bridged...: nothing to do
    }
    this.metrics.webhooks.inc({ provider: TELNYX_PROVIDER, outcome: 'accepted' });
    return {};
  }
}
