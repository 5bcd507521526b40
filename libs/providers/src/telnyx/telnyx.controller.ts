import { Controller, Headers, HttpCode, Logger, Post, Req, UseInterceptors } from '@nestjs/common';
import type { RawBodyRequest } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import type { TelnyxAccount } from '@centralino/config';
import { Contact, maskPhone } from '@centralino/contacts';
import { markWebhookDuplicate, webhookMetricsInterceptor } from '@centralino/observability';
import { ContactRepository } from '@centralino/persistence';
import { AccountOwnership } from '../accounts/account-ownership.service';
import { CallAction, MessageField } from '../call-flow/call-actions';
import { CallFlow } from '../call-flow/call-flow.service';
import { telnyxCallbackStatus } from './telnyx-callbacks';
import { TELNYX_PROVIDER, TelnyxAdapter } from './telnyx.adapter';
import { decodeClientState, TelnyxCommand } from './telnyx.renderer';
import { TelnyxWebhook, telnyxWebhookSchema } from './telnyx.dto';

type TelnyxRequest = RawBodyRequest<FastifyRequest>;
type TelnyxCall = TelnyxWebhook['data']['payload'];

/** Stops the real-time transcription a gather started, once the answer is in. */
const STOP_TRANSCRIPTION: TelnyxCommand = { action: 'transcription_stop', body: {} };
/** Stops the menu's digit gather when the caller answered by speaking. */
const STOP_GATHER: TelnyxCommand = { action: 'gather_stop', body: {} };

/**
 * Telnyx Call Control v2 webhook (docs/providers/telnyx.md). Telnyx does not read the answer: centralino
 * acts by sending commands, and always answers 200 `{}` to a verified, well-formed event (also for an
 * unknown call, logged) so Telnyx does not retry. A retried event (same `data.id`) is skipped; the commands
 * an answer causes carry a `command_id` derived from the answered step (not the event), so two events
 * carrying the same answer (the digits and a transcript of the menu) send each command once. An event
 * about a known call signed by another Telnyx account than the call's is refused before anything is
 * sent or changed (403 `signature_account_mismatch`, AccountOwnership).
 */
@Controller('webhooks/telnyx')
@UseInterceptors(webhookMetricsInterceptor(TELNYX_PROVIDER))
export class TelnyxWebhookController {
  private readonly logger = new Logger(TelnyxWebhookController.name);

  constructor(
    private readonly telnyx: TelnyxAdapter,
    private readonly flow: CallFlow,
    private readonly contacts: ContactRepository,
    private readonly ownership: AccountOwnership,
  ) {}

  @Post('call-control')
  @HttpCode(200)
  async receive(
    @Req() request: TelnyxRequest,
    @Headers('telnyx-signature-ed25519') signature?: string,
    @Headers('telnyx-timestamp') timestamp?: string,
  ): Promise<object> {
    let account: TelnyxAccount;
    try {
      // The event's connection says whose keys check it (read before the check, which then proves it).
      const connectionId = (request.body as { data?: { payload?: { connection_id?: unknown } } } | null)?.data
        ?.payload?.connection_id;
      account = this.telnyx.verify(
        signature,
        timestamp,
        request.rawBody,
        typeof connectionId === 'string' ? connectionId : undefined,
      );
    } catch (error) {
      // Counted (with the reason) by the metrics interceptor; logged here without the caller's number.
      this.logger.warn({ reason: (error as Error).message }, 'Telnyx request refused');
      throw error;
    }
    const { data, meta } = telnyxWebhookSchema.parse(request.body);
    const call = data.payload;
    const state = decodeClientState(call.client_state);
    // Every event of a call centralino knows (its retries too) must come from the call's account. The
    // menu's answer is checked by intake on the contact it finds instead (menuAnswer): the answer of a
    // new call, nearly every one, costs no read for it.
    const checkedByIntake = isMenuAnswer(data.event_type, call, state);
    // The call's contact as the check read it (null: not known): the handlers below do not read it again.
    const known = checkedByIntake
      ? null
      : await this.ownership.callOf(TELNYX_PROVIDER, call.call_control_id, account.id);
    // A redelivery after a failed attempt: commands of an answer intake already took are sent again
    // (same command_ids, so Telnyx runs each once), in case the failure came before they went out.
    const redelivery = (meta?.attempt ?? 1) > 1;
    if (await this.contacts.findReceipt(TELNYX_PROVIDER, data.id)) {
      // A menu answer handled already does not reach intake again: checked here (a rare path).
      if (checkedByIntake) await this.ownership.callOf(TELNYX_PROVIDER, call.call_control_id, account.id);
      markWebhookDuplicate(request);
      return {};
    }
    if (state?.outboundAttempt) {
      // A callback's outbound call: reported by the account that placed it, before the contact knows it
      // by this call (its first events may come before the call's id is stored).
      const contact = await this.flow.contactById(state.contactId);
      if (contact) this.ownership.assertOwner(TELNYX_PROVIDER, contact, account.id);
    }
    switch (data.event_type) {
      case 'call.initiated': {
        if (call.direction && call.direction !== 'incoming') break;
        this.logger.log(
          { callControlId: call.call_control_id, from: maskPhone(call.from) },
          'Telnyx call in',
        );
        await this.telnyx.send(
          account,
          call.call_control_id,
          [{ action: 'answer', body: {} }, ...this.telnyx.commands(this.flow.greet(), undefined)],
          data.id,
        );
        break;
      }
      case 'call.gather.ended':
        if (state?.hold) {
          await this.holdAnswer(account, call, data.id, known);
        } else if (state?.field) {
          await this.messageAnswer(account, call, state.field, { digits: call.digits ?? '' }, [], known);
        } else {
          const input = { digits: call.digits || undefined };
          await this.menuAnswer(account, call, input, 'digits', redelivery, state?.attempt ?? 1);
        }
        break;
      case 'call.transcription': {
        const transcript = call.transcription_data?.transcript.trim();
        // Interim results change nothing: the answer is the first final utterance.
        if (!transcript || call.transcription_data?.is_final === false) break;
        if (state?.field) {
          await this.messageAnswer(
            account,
            call,
            state.field,
            { speech: transcript },
            [STOP_TRANSCRIPTION],
            known,
          );
        } else if (!state || state.attempt) {
          // The menu (no contact yet) or a clarifying question; after that the caller waits, and what
          // they say while waiting is not an answer to anything.
          await this.menuAnswer(
            account,
            call,
            { text: transcript },
            'speech',
            redelivery,
            state?.attempt ?? 1,
          );
        }
        break;
      }
      case 'call.speak.ended':
        // The last words of the call (thanks, an apology) were spoken: now hang up.
        if (state?.hangup) {
          await this.telnyx.send(account, call.call_control_id, [{ action: 'hangup', body: {} }], data.id);
        }
        break;
      case 'call.answered':
        if (state?.outboundAttempt)
          await this.callbackAnswered(account, call, state.contactId, state.outboundAttempt);
        break;
      case 'call.hangup':
        if (state?.outboundAttempt) {
          await this.callbackEnded(call, state.contactId, state.outboundAttempt);
          break;
        }
        await this.flow.ended(
          TELNYX_PROVIDER,
          `${data.id}:end`,
          call.call_control_id,
          call.hangup_cause === 'normal_clearing' ? 'hangup' : (call.hangup_cause ?? 'hangup'),
          call.from,
          known,
        );
        break;
      default:
        break; // call.enqueued, call.bridged...: nothing to do
    }
    // The receipt is stored once the event was handled, not before: an event whose handling failed
    // (a 5xx) is handled again when Telnyx retries it, so a hang-up is never lost. Every step above is
    // idempotent on its own (intake by call, commands by command_id), so concurrent deliveries are too.
    const fresh = await this.contacts.recordReceipt(
      { provider: TELNYX_PROVIDER, eventKey: data.id, response: { eventType: data.event_type } },
      null,
    );
    if (!fresh) markWebhookDuplicate(request);
    return {};
  }

  /**
   * The answer to the menu (attempt 1) or to a clarifying question (2+), by digits
   * (`call.gather.ended`) or speech (`call.transcription`): triage, store, then queue or ask again,
   * idempotently per call and attempt, so whichever input arrives second changes nothing and sends
   * nothing.
   */
  private async menuAnswer(
    account: TelnyxAccount,
    call: TelnyxCall,
    input: { digits?: string; text?: string },
    by: 'digits' | 'speech',
    redelivery: boolean,
    attempt: number,
  ): Promise<void> {
    const suffix = attempt > 1 ? String(attempt) : '';
    // The answer to a question is recognised in the language it was asked in (like Twilio's).
    const asked =
      attempt > 1 ? await this.ownership.callOf(TELNYX_PROVIDER, call.call_control_id, account.id) : null;
    const { result, actions } = await this.flow.gathered(
      {
        provider: TELNYX_PROVIDER,
        eventKey: `${call.call_control_id}:gather${suffix}`,
        externalId: call.call_control_id,
        providerAccount: account.id,
        channel: 'voice',
        from: call.from,
        to: call.to,
        language: asked?.language ?? undefined,
        canClarify: true,
        ...input,
      },
      {
        announcePosition: true,
        attempt,
        // The call must be this account's: a retried answer, the other input's, a known call's.
        knownContact: (found) => this.ownership.assertOwner(TELNYX_PROVIDER, found, account.id),
      },
    );
    // Answered already by the other input (digits, then a transcript, or the reverse): nothing to do.
    if (result.duplicate && !redelivery) return;
    // The stops depend on how the menu was answered: their own command ids, so the answer's are stable.
    const stops = by === 'speech' ? [STOP_GATHER, STOP_TRANSCRIPTION] : [STOP_TRANSCRIPTION];
    await this.telnyx.send(
      account,
      call.call_control_id,
      stops,
      `${call.call_control_id}:gather${suffix}-${by}`,
    );
    await this.sendActions(account, call, this.telnyx.commands(actions, result.contactId), `gather${suffix}`);
  }

  /**
   * A round of the hold loop that offers the callback key (`client_state` `<contactId>:hold`): the key
   * keeps the caller's place as a callback (the goodbye, then hang-up); no key or another one starts
   * the next round, or none once no callback can be offered (the call stays parked in its queue). A
   * gather stopped (the operator connect, a diversion) or ended by the hang-up, or a contact no longer
   * waiting, gets nothing: the call has moved on. Command ids: `<data.id>:<n>:<action>`.
   */
  private async holdAnswer(
    account: TelnyxAccount,
    call: TelnyxCall,
    eventId: string,
    known: Contact | null,
  ): Promise<void> {
    if (call.status === 'cancelled' || call.status === 'call_hangup') return;
    const contact = known ?? (await this.flow.findContact(TELNYX_PROVIDER, call.call_control_id));
    if (!contact || (contact.state !== 'queued' && contact.state !== 'offered')) return;
    const actions = await this.flow.callbackKey(
      TELNYX_PROVIDER,
      call.call_control_id,
      call.digits || undefined,
      { parked: true, known: contact },
    );
    if (!actions) return;
    // The call is still parked in its Telnyx queue: holding on needs no new `enqueue`.
    const commands = this.telnyx
      .commands(actions, contact.id)
      .filter((command) => command.action !== 'enqueue');
    await this.telnyx.send(account, call.call_control_id, commands, eventId);
  }

  /**
   * A callback's outbound call was answered (`attempt`, from its `client_state`): the contact is
   * connected and the customer put through to the operator. A report about an earlier attempt, or one
   * that comes after the attempt already ended, changes nothing and connects nobody.
   */
  private async callbackAnswered(
    account: TelnyxAccount,
    call: TelnyxCall,
    contactId: string,
    attempt: number,
  ): Promise<void> {
    const contact = await this.flow.callbackStatus(contactId, attempt, 'answered');
    if (contact?.state !== 'connected' || contact.callback?.attempts !== attempt) return;
    await this.telnyx.connectCallback(account, call.call_control_id, contact, attempt);
  }

  /** A callback's outbound call hung up: over if this attempt was answered, else not reached (by its cause). */
  private async callbackEnded(call: TelnyxCall, contactId: string, attempt: number): Promise<void> {
    const contact = await this.flow.contactById(contactId);
    if (!contact) return;
    const answered = contact.state === 'connected' && contact.callback?.attempts === attempt;
    await this.flow.callbackStatus(contactId, attempt, telnyxCallbackStatus(call.hangup_cause, answered));
  }

  /** An answer of the voice message flow; then the next question, or thanks and hang-up. */
  private async messageAnswer(
    account: TelnyxAccount,
    call: TelnyxCall,
    field: MessageField,
    input: { speech?: string; digits?: string },
    stops: TelnyxCommand[],
    known: Contact | null,
  ): Promise<void> {
    const step = `message:${field}`;
    const actions: CallAction[] | null = await this.flow.messageAnswer(
      TELNYX_PROVIDER,
      call.call_control_id,
      field,
      input,
      `${call.call_control_id}:${step}`,
      known,
    );
    if (!actions) return;
    // Only its id is needed, which the answer does not change.
    const contactId = known?.id ?? (await this.flow.findContact(TELNYX_PROVIDER, call.call_control_id))?.id;
    await this.sendActions(account, call, [...stops, ...this.telnyx.commands(actions, contactId)], step);
  }

  private sendActions(
    account: TelnyxAccount,
    call: TelnyxCall,
    commands: TelnyxCommand[],
    step: string,
  ): Promise<void> {
    return this.telnyx.send(account, call.call_control_id, commands, `${call.call_control_id}:${step}`);
  }
}

/**
 * The events `receive` hands `menuAnswer`: the menu's or a clarifying question's answer, by digits or by
 * a final transcript (one of the message flow, or of a caller already waiting, is not one). Decided as
 * its switch does.
 */
function isMenuAnswer(
  eventType: string,
  call: TelnyxCall,
  state: ReturnType<typeof decodeClientState>,
): boolean {
  if (eventType === 'call.gather.ended') return !state?.hold && !state?.field;
  if (eventType !== 'call.transcription') return false;
  const transcript = call.transcription_data?.transcript.trim();
  if (!transcript || call.transcription_data?.is_final === false) return false;
  return !state?.field && (!state || !!state.attempt);
}
