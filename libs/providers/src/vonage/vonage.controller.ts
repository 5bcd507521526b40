import {
  Controller,
  Get,
  Headers,
  HttpCode,
  Logger,
  Post,
  Query,
  Req,
  UseInterceptors,
} from '@nestjs/common';
import type { RawBodyRequest } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import type { ZodType } from 'zod';
import type { VonageAccount } from '@centralino/config';
import { Contact, maskPhone } from '@centralino/contacts';
import { markWebhookDuplicate, webhookMetricsInterceptor } from '@centralino/observability';
import { AccountOwnership } from '../accounts/account-ownership.service';
import { CallFlow } from '../call-flow/call-flow.service';
import { callbackReportQuerySchema } from '../call-flow/callback-report.dto';
import { gatherAttemptSchema, messageFieldSchema } from '../call-flow/gather-attempt.dto';
import { VONAGE_PROVIDER, VonageAdapter } from './vonage.adapter';
import { vonageCallbackStatus } from './vonage-callbacks';
import { NccoAction } from './vonage.renderer';
import {
  VONAGE_FINAL_STATUSES,
  vonageAnswerSchema,
  vonageEventSchema,
  vonageInputSchema,
} from './vonage.dto';

type VonageRequest = RawBodyRequest<FastifyRequest>;

/** Operator-leg statuses after which the caller hears an apology (the operator never answered). */
const OPERATOR_MISSED = new Set(['busy', 'cancelled', 'failed', 'rejected', 'timeout', 'unanswered']);

/**
 * Vonage Voice webhooks (docs/providers/vonage.md): answer -> NCCO, input -> NCCO, call events. Every
 * request's signed-callback JWT is verified first. Events about unknown calls get 200 `{}` and are
 * logged, so Vonage does not retry them. A callback about a known call signed for another application
 * than the call's is refused before anything changes (403 `signature_account_mismatch`,
 * AccountOwnership). Every delivery is counted in `centralino_webhooks_total`.
 */
@Controller('webhooks/vonage/voice')
@UseInterceptors(webhookMetricsInterceptor(VONAGE_PROVIDER))
export class VonageVoiceController {
  private readonly logger = new Logger(VonageVoiceController.name);

  constructor(
    private readonly vonage: VonageAdapter,
    private readonly flow: CallFlow,
    private readonly ownership: AccountOwnership,
  ) {}

  /** answer_url, GET (query parameters, Vonage's default) or POST (JSON). */
  @Get('answer')
  answerGet(@Req() request: VonageRequest, @Headers('authorization') authorization?: string): NccoAction[] {
    return this.answer(request, authorization);
  }

  @Post('answer')
  @HttpCode(200)
  answerPost(@Req() request: VonageRequest, @Headers('authorization') authorization?: string): NccoAction[] {
    return this.answer(request, authorization);
  }

  /**
   * The menu's `input` result: triage, store, queue; the caller then waits in their holding room. When
   * triage is unsure, a clarifying question (talk + input in the caller's language) reporting back with
   * `?attempt=2` (3...), so the answer is a new event while a retried delivery repeats its attempt.
   */
  @Post('input')
  @HttpCode(200)
  async input(
    @Req() request: VonageRequest,
    @Headers('authorization') authorization?: string,
    @Query('attempt') attemptParam?: string,
  ): Promise<NccoAction[]> {
    const account = this.checked(request, authorization, request.body);
    const input = vonageInputSchema.parse(request.body ?? {});
    const { attempt } = gatherAttemptSchema.parse({ attempt: attemptParam });
    const speech = input.speech?.results?.[0]?.text?.trim() || undefined;
    // An answer to a question was recognised in the language it was asked in; the menu's is detected.
    const asked = attempt > 1 ? await this.ownership.callOf(VONAGE_PROVIDER, input.uuid, account.id) : null;
    const { actions, result } = await this.flow.gathered(
      {
        provider: VONAGE_PROVIDER,
        eventKey: `${input.uuid}:input${attempt > 1 ? attempt : ''}`,
        externalId: input.uuid,
        providerAccount: account.id,
        channel: 'voice',
        from: input.from,
        to: input.to,
        digits: input.dtmf?.digits || undefined,
        text: speech,
        language: asked?.language ?? undefined,
        canClarify: true,
      },
      {
        announcePosition: true,
        attempt,
        // A retried menu answer or the answer to a question: the call must be this application's
        // (checked on what intake finds, so the menu's answer of a new call costs no read for it).
        knownContact: (found) => this.ownership.assertOwner(VONAGE_PROVIDER, found, account.id),
      },
    );
    if (result.duplicate) markWebhookDuplicate(request);
    return this.vonage.renderer.render(actions);
  }

  /**
   * An `input` of the voice message flow (`?field=name|text|callback`): the caller's name and reason as
   * Vonage's speech transcript, the number as DTMF; then the next question, or the message is stored for
   * the department and the caller thanked. An unknown call gets an empty NCCO (the call ends).
   */
  @Post('message')
  @HttpCode(200)
  async message(
    @Req() request: VonageRequest,
    @Headers('authorization') authorization?: string,
    @Query('field') fieldParam?: string,
  ): Promise<NccoAction[]> {
    const { call: input, known } = await this.verifiedCall(request, authorization, vonageInputSchema);
    const { field } = messageFieldSchema.parse({ field: fieldParam });
    const actions = await this.flow.messageAnswer(
      VONAGE_PROVIDER,
      input.uuid,
      field,
      { speech: input.speech?.results?.[0]?.text, digits: input.dtmf?.digits },
      `${input.uuid}:message:${field}`,
      known,
    );
    return this.vonage.renderer.render(actions ?? []);
  }

  /**
   * event_url: final statuses end the contact (abandoned while waiting, completed once connected);
   * others change nothing, so a late `ringing` never reopens a call.
   */
  @Post('event')
  @HttpCode(200)
  async event(
    @Req() request: VonageRequest,
    @Headers('authorization') authorization?: string,
  ): Promise<object> {
    const { call: event, known } = await this.verifiedCall(request, authorization, vonageEventSchema);
    if (VONAGE_FINAL_STATUSES.has(event.status)) {
      await this.flow.ended(
        VONAGE_PROVIDER,
        `${event.uuid}:${event.status}:${event.timestamp ?? ''}`,
        event.uuid,
        event.status === 'completed' ? 'completed' : event.status,
        event.from,
        known,
      );
    }
    return {};
  }

  /**
   * The key loop that offers a callback while the caller holds (an `input` in place of the holding
   * conversation): the callback key keeps the caller's place as a callback (a goodbye, then the NCCO
   * ends and so does the call); no key or another one is the loop's next round, or the holding
   * conversation once no callback can be offered. An unknown call gets an empty NCCO (the call ends).
   */
  @Post('callback')
  @HttpCode(200)
  async callback(
    @Req() request: VonageRequest,
    @Headers('authorization') authorization?: string,
  ): Promise<NccoAction[]> {
    const { call: input, known } = await this.verifiedCall(request, authorization, vonageInputSchema);
    const actions = await this.flow.callbackKey(
      VONAGE_PROVIDER,
      input.uuid,
      input.dtmf?.digits || undefined,
      {
        parked: true,
        known,
      },
    );
    return this.vonage.renderer.render(actions ?? []);
  }

  /**
   * The event_url of a callback's outbound call (`?contactId=&attempt=`, set by `POST /v1/calls`):
   * `answered` connects the contact, `completed` ends it, `busy`/`timeout`/`unanswered`/`rejected`/
   * `failed`/`cancelled` count as an attempt that did not reach the customer (the retry policy decides);
   * other statuses change nothing. Only the application that placed the call may report on it.
   */
  @Post('callback-event')
  @HttpCode(200)
  async callbackEvent(
    @Req() request: VonageRequest,
    @Headers('authorization') authorization?: string,
    @Query() query?: Record<string, string>,
  ): Promise<object> {
    const account = this.checked(request, authorization, request.body);
    const event = vonageEventSchema.parse(request.body ?? {});
    const { contactId, attempt } = callbackReportQuerySchema.parse(query ?? {});
    const contact = await this.flow.contactById(contactId);
    if (contact) this.ownership.assertOwner(VONAGE_PROVIDER, contact, account.id);
    const status = vonageCallbackStatus(event.status);
    if (contact && status) await this.flow.callbackStatus(contactId, attempt, status);
    return {};
  }

  /** Events of the operator leg (the `connect` eventUrl): an apology if the operator never answered. */
  @Post('operator-event')
  @HttpCode(200)
  async operatorEvent(
    @Req() request: VonageRequest,
    @Headers('authorization') authorization?: string,
  ): Promise<NccoAction[] | object> {
    const account = this.checked(request, authorization, request.body);
    const event = vonageEventSchema.parse(request.body ?? {});
    const contact = await this.ownership.callOf(VONAGE_PROVIDER, event.uuid, account.id);
    if (!OPERATOR_MISSED.has(event.status)) return {};
    return this.vonage.renderer.render(this.flow.apology(contact?.language ?? null));
  }

  private answer(request: VonageRequest, authorization: string | undefined): NccoAction[] {
    const params = request.method === 'GET' ? request.query : request.body;
    const call = vonageAnswerSchema.parse(this.verified(request, authorization, params));
    this.logger.log({ uuid: call.uuid, from: maskPhone(call.from) }, 'Vonage call in');
    return this.vonage.renderer.render(this.flow.greet());
  }

  private verified(request: VonageRequest, authorization: string | undefined, params: unknown): unknown {
    this.checked(request, authorization, params);
    return params ?? {};
  }

  /**
   * The verified, validated callback (POST, JSON) about a call, refused when centralino knows the call
   * and it belongs to another application than the one that signed it (before anything is changed);
   * with the call's contact as the check read it (null: not known), which the flow then does not read
   * again.
   */
  private async verifiedCall<T extends { uuid: string }>(
    request: VonageRequest,
    authorization: string | undefined,
    schema: ZodType<T>,
  ): Promise<{ call: T; known: Contact | null }> {
    const account = this.checked(request, authorization, request.body);
    const call = schema.parse(request.body ?? {});
    const known = await this.ownership.callOf(VONAGE_PROVIDER, call.uuid, account.id);
    return { call, known };
  }

  /** Verifies the signed callback; returns the account it is for. A refusal is logged, number masked. */
  private checked(request: VonageRequest, authorization: string | undefined, params: unknown): VonageAccount {
    try {
      return this.vonage.verify(authorization, request.rawBody);
    } catch (error) {
      const from = (params as { from?: unknown } | undefined)?.from;
      this.logger.warn(
        {
          path: request.url,
          from: maskPhone(typeof from === 'string' ? from : ''),
          reason: (error as Error).message,
        },
        'Vonage request refused',
      );
      throw error;
    }
  }
}
