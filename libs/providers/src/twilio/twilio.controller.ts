import {
  Controller,
  Headers,
  HttpCode,
  Logger,
  Post,
  Query,
  Req,
  Res,
  UseInterceptors,
} from '@nestjs/common';
import type { RawBodyRequest } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { ZodType } from 'zod';
import { Contact, maskPhone } from '@centralino/contacts';
import { markWebhookDuplicate, webhookMetricsInterceptor } from '@centralino/observability';
import { AccountOwnership } from '../accounts/account-ownership.service';
import { CallAction } from '../call-flow/call-actions';
import { CallFlow } from '../call-flow/call-flow.service';
import { gatherAttemptSchema, messageFieldSchema } from '../call-flow/gather-attempt.dto';
import { TWILIO_PROVIDER, TwilioAdapter } from './twilio.adapter';
import {
  TWILIO_FINAL_STATUSES,
  TWILIO_LEFT_QUEUE_RESULTS,
  twilioCallbackQuerySchema,
  twilioCallSchema,
  twilioDialResultSchema,
  twilioGatherSchema,
  twilioQueueResultSchema,
  twilioStatusSchema,
} from './twilio.dto';

const XML_HEAD = '<?xml version="1.0" encoding="UTF-8"?>';
const EMPTY = `${XML_HEAD}<Response/>`;
const LEAVE = `${XML_HEAD}<Response><Leave/></Response>`;

type TwilioRequest = RawBodyRequest<FastifyRequest>;

/**
 * Twilio Programmable Voice webhooks (docs/providers/twilio.md). Every request is verified before its
 * body is read; every answer is TwiML (errors are JSON with a 4xx). Callbacks about calls centralino does
 * not know get an empty `<Response/>` with 200, so Twilio neither retries nor plays an error to anyone.
 * A callback about a known call signed by another account than the call's is refused before anything
 * changes (403 `signature_account_mismatch`, AccountOwnership). Every delivery is counted in
 * `centralino_webhooks_total` (provider `twilio`).
 */
@Controller('webhooks/twilio/voice')
@UseInterceptors(webhookMetricsInterceptor(TWILIO_PROVIDER))
export class TwilioVoiceController {
  private readonly logger = new Logger(TwilioVoiceController.name);

  constructor(
    private readonly twilio: TwilioAdapter,
    private readonly flow: CallFlow,
    private readonly ownership: AccountOwnership,
  ) {}

  /** "A call comes in": greeting and the triage menu (digits or speech). */
  @Post()
  @HttpCode(200)
  incoming(
    @Req() request: TwilioRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
    @Headers('x-twilio-signature') signature?: string,
  ): string {
    const call = twilioCallSchema.parse(this.verified(request, signature));
    this.logger.log({ callSid: call.CallSid, from: maskPhone(call.From) }, 'Twilio call in');
    return this.twiml(reply, this.flow.greet());
  }

  /**
   * `<Gather action>`: triage, store, queue; then hold in the problem type's queue. When triage is
   * unsure, a clarifying question as a new `<Gather>` in the caller's language, reporting back here with
   * `?attempt=2` (3...): the answer is a new event, while a retried delivery repeats its attempt.
   */
  @Post('gather')
  @HttpCode(200)
  async gather(
    @Req() request: TwilioRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
    @Headers('x-twilio-signature') signature?: string,
    @Headers('i-twilio-idempotency-token') idempotencyToken?: string,
    @Query('attempt') attemptParam?: string,
  ): Promise<string> {
    const { body, accountId } = this.twilio.verifiedRequest(request, signature);
    const call = twilioGatherSchema.parse(body);
    const { attempt } = gatherAttemptSchema.parse({ attempt: attemptParam });
    // The answer to a question was recognised in the language it was asked in; the menu's answer is
    // detected from the transcript, so a caller who answers in another company language is understood.
    const asked = attempt > 1 ? await this.ownership.callOf(TWILIO_PROVIDER, call.CallSid, accountId) : null;
    const { result, actions } = await this.flow.gathered(
      {
        provider: TWILIO_PROVIDER,
        eventKey: `${call.CallSid}:gather${attempt > 1 ? attempt : ''}:${idempotencyToken ?? ''}`,
        externalId: call.CallSid,
        providerAccount: accountId,
        channel: 'voice',
        from: call.From,
        to: call.To,
        digits: call.Digits,
        text: call.SpeechResult,
        language: asked?.language ?? undefined,
        canClarify: true,
      },
      // A retried menu answer or the answer to a question: the call must be this account's (checked on
      // what intake finds, so the menu's answer of a new call costs no read for it).
      { attempt, knownContact: (found) => this.ownership.assertOwner(TWILIO_PROVIDER, found, accountId) },
    );
    if (result.duplicate) markWebhookDuplicate(request);
    return this.twiml(reply, actions);
  }

  /**
   * A `<Gather>` of the voice message flow (`?field=name|text|callback`): the caller's name and reason
   * as Twilio's speech transcript (`SpeechResult`), the number as digits; then the next question, or
   * the message is stored for the department and the caller thanked.
   */
  @Post('message')
  @HttpCode(200)
  async message(
    @Req() request: TwilioRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
    @Headers('x-twilio-signature') signature?: string,
    @Headers('i-twilio-idempotency-token') idempotencyToken?: string,
    @Query('field') fieldParam?: string,
  ): Promise<string> {
    const { call, known } = await this.verifiedCall(request, signature, twilioGatherSchema);
    const { field } = messageFieldSchema.parse({ field: fieldParam });
    const actions = await this.flow.messageAnswer(
      TWILIO_PROVIDER,
      call.CallSid,
      field,
      { speech: call.SpeechResult, digits: call.Digits },
      `${call.CallSid}:message:${field}:${idempotencyToken ?? ''}`,
      known,
    );
    return actions ? this.twiml(reply, actions) : this.raw(reply, EMPTY);
  }

  /** `<Enqueue waitUrl>`: position announcement and a pause; Twilio fetches it again when it ends. */
  @Post('wait')
  @HttpCode(200)
  async wait(
    @Req() request: TwilioRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
    @Headers('x-twilio-signature') signature?: string,
  ): Promise<string> {
    const { call, known } = await this.verifiedCall(request, signature, twilioCallSchema);
    // The holding room takes a key: the position comes with the callback offer when one is possible.
    const actions = await this.flow.waiting(TWILIO_PROVIDER, call.CallSid, { callbackInput: true, known });
    // An unknown call leaves the queue (and then ends) rather than waiting for nobody; a caller who is
    // to leave a message leaves it too, and `<Enqueue action>` asks for the message.
    return actions ? this.twiml(reply, actions) : this.raw(reply, LEAVE);
  }

  /**
   * `<Gather action>` of the hold loop: the callback key keeps the caller's place as a callback (then a
   * goodbye and `<Hangup>`); no key or another one holds on. Unknown call: `<Leave>`, as the wait URL.
   */
  @Post('callback')
  @HttpCode(200)
  async callback(
    @Req() request: TwilioRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
    @Headers('x-twilio-signature') signature?: string,
  ): Promise<string> {
    const { call, known } = await this.verifiedCall(request, signature, twilioGatherSchema);
    const actions = await this.flow.callbackKey(TWILIO_PROVIDER, call.CallSid, call.Digits, { known });
    return actions ? this.twiml(reply, actions) : this.raw(reply, LEAVE);
  }

  /**
   * Status callback of a callback's outbound call (`?contactId=&attempt=`, set by calls.create):
   * `in-progress` (answered) connects the contact, `completed` ends it, `busy`/`no-answer`/`failed`/
   * `canceled` count as an attempt that did not reach the customer (the retry policy decides).
   */
  @Post('callback-status')
  @HttpCode(200)
  async callbackStatus(
    @Req() request: TwilioRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
    @Headers('x-twilio-signature') signature?: string,
    @Query() query?: Record<string, string>,
  ): Promise<string> {
    const { body, accountId } = this.twilio.verifiedRequest(request, signature);
    const call = twilioStatusSchema.parse(body);
    const { contactId, attempt } = twilioCallbackQuerySchema.parse(query ?? {});
    // Reported by the account the callback went out through (a chat's: the first callable one).
    const contact = await this.flow.contactById(contactId);
    if (contact) {
      this.ownership.assertOwner(TWILIO_PROVIDER, contact, accountId, this.twilio.callbackAccountOf(contact));
    }
    await this.flow.callbackStatus(contactId, attempt, call.CallStatus);
    return this.raw(reply, EMPTY);
  }

  /** `<Enqueue action>`: the caller left the queue. Hung up while waiting -> abandoned. */
  @Post('queue-result')
  @HttpCode(200)
  async queueResult(
    @Req() request: TwilioRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
    @Headers('x-twilio-signature') signature?: string,
  ): Promise<string> {
    const { call, known } = await this.verifiedCall(request, signature, twilioQueueResultSchema);
    if (call.QueueResult === 'leave') {
      const message = await this.flow.leftHoldingRoom(TWILIO_PROVIDER, call.CallSid, known);
      if (message) return this.twiml(reply, message);
    }
    // bridged, redirected (the operator connect): the call goes on elsewhere.
    if (!TWILIO_LEFT_QUEUE_RESULTS.has(call.QueueResult)) return this.raw(reply, EMPTY);
    const reason = call.QueueResult === 'hangup' ? 'hangup' : `queue_${call.QueueResult}`;
    const ended = await this.flow.ended(
      TWILIO_PROVIDER,
      `${call.CallSid}:queue-result:${call.QueueResult}`,
      call.CallSid,
      reason,
      call.From,
      known,
    );
    if (!ended || call.QueueResult === 'hangup') return this.raw(reply, EMPTY);
    return this.twiml(reply, this.flow.apology(ended.language));
  }

  /** `<Dial action>` of the operator leg: hang up, with an apology if the operator never answered. */
  @Post('dial-result')
  @HttpCode(200)
  async dialResult(
    @Req() request: TwilioRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
    @Headers('x-twilio-signature') signature?: string,
  ): Promise<string> {
    const { body, accountId } = this.twilio.verifiedRequest(request, signature);
    const call = twilioDialResultSchema.parse(body);
    const contact = await this.ownership.callOf(TWILIO_PROVIDER, call.CallSid, accountId);
    const answered = call.DialCallStatus === 'completed' || call.DialCallStatus === 'answered';
    return this.twiml(reply, answered ? [{ type: 'hangup' }] : this.flow.apology(contact?.language ?? null));
  }

  /**
   * Call status callback. Final statuses end the contact (abandoned while waiting, completed once
   * connected); others change nothing, so a late `ringing` never reopens a call.
   */
  @Post('status')
  @HttpCode(200)
  async status(
    @Req() request: TwilioRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
    @Headers('x-twilio-signature') signature?: string,
  ): Promise<string> {
    const { call, known } = await this.verifiedCall(request, signature, twilioStatusSchema);
    if (TWILIO_FINAL_STATUSES.has(call.CallStatus)) {
      await this.flow.ended(
        TWILIO_PROVIDER,
        `${call.CallSid}:status:${call.CallStatus}`,
        call.CallSid,
        call.CallStatus,
        call.From,
        known,
      );
    }
    return this.raw(reply, EMPTY);
  }

  private twiml(reply: FastifyReply, actions: CallAction[]): string {
    return this.raw(reply, this.twilio.renderer.render(actions));
  }

  /** The content type is set only on success: errors stay JSON bodies from the error filter. */
  private raw(reply: FastifyReply, body: string): string {
    void reply.type('text/xml; charset=utf-8');
    return body;
  }

  private verified(request: TwilioRequest, signature: string | undefined): unknown {
    return this.twilio.verifiedBody(request, signature);
  }

  /**
   * The verified, validated callback about a call, refused when centralino knows the call and it belongs
   * to another account than the one that signed the request (before anything is changed); with the
   * call's contact as the check read it (null: not known), which the flow then does not read again.
   */
  private async verifiedCall<T extends { CallSid: string }>(
    request: TwilioRequest,
    signature: string | undefined,
    schema: ZodType<T>,
  ): Promise<{ call: T; known: Contact | null }> {
    const { body, accountId } = this.twilio.verifiedRequest(request, signature);
    const call = schema.parse(body);
    const known = await this.ownership.callOf(TWILIO_PROVIDER, call.CallSid, accountId);
    return { call, known };
  }
}
