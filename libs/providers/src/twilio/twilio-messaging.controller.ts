import { Controller, Headers, HttpCode, Post, Req, Res, UseInterceptors } from '@nestjs/common';
import type { RawBodyRequest } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import twilio from 'twilio';
import { markWebhookDuplicate, webhookMetricsInterceptor } from '@centralino/observability';
import { MessageFlow } from '../messaging/message-flow.service';
import { TWILIO_PROVIDER, TwilioAdapter } from './twilio.adapter';
import { twilioMessageSchema } from './twilio.dto';

/**
 * Twilio Messaging (SMS) webhook (docs/providers/twilio.md): a text conversation becomes a contact in the
 * same queues as calls, triaged from its words; the bot's replies are TwiML `<Message>`s. Verified like
 * the voice webhooks; idempotent on `MessageSid` (a retried delivery gets the same reply).
 */
@ApiTags('webhooks')
@Controller('webhooks/twilio/messaging')
@UseInterceptors(webhookMetricsInterceptor(TWILIO_PROVIDER))
export class TwilioMessagingController {
  constructor(
    private readonly twilio: TwilioAdapter,
    private readonly messages: MessageFlow,
  ) {}

  @Post()
  @HttpCode(200)
  @ApiOperation({ summary: 'Twilio Messaging: incoming SMS (form-encoded, X-Twilio-Signature); TwiML reply' })
  async incoming(
    @Req() request: RawBodyRequest<FastifyRequest>,
    @Res({ passthrough: true }) reply: FastifyReply,
    @Headers('x-twilio-signature') signature?: string,
  ): Promise<string> {
    const { body, accountId } = this.twilio.verifiedRequest(request, signature);
    const message = twilioMessageSchema.parse(body);
    const { result, texts } = await this.messages.received({
      provider: TWILIO_PROVIDER,
      providerAccount: accountId,
      messageId: message.MessageSid,
      from: message.From,
      to: message.To,
      text: message.Body,
    });
    if (result.duplicate) markWebhookDuplicate(request);
    const response = new twilio.twiml.MessagingResponse();
    for (const text of texts) response.message(text);
    void reply.type('text/xml; charset=utf-8');
    return response.toString();
  }
}
