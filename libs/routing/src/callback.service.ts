import { Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { CallbackRequest, Contact, DomainError, maskPhone } from '@centralino/contacts';
import { FrontOfficeConfig } from '@centralino/config';
import { ContactRepository } from '@centralino/persistence';
import { QueueRegistry, TimerHandlerRegistry } from '@centralino/queueing';
import { ATTEMPT_GRACE_SECONDS, callbackTimeoutJobId, CallbackDialer } from './callback-dialer.service';
import { ConsoleViewService } from './console-view.service';
import { ContactFlowService } from './contact-flow.service';
import { DispatchSignal } from './dispatch-signal.service';
import { callbackNumber, classifyCallbackStatus, nextCallbackStep } from './domain/callback-policy';
import { OperatorNotifier } from './operator-notifier';

export function callbackRetryJobId(contactId: string, attempt: number): string {
  return `callback-retry.${contactId}.${attempt}`;
}

/** How long past its due time a callback's timer may be late before the reconciler acts in its place. */
const TIMER_LATE_MS = 5_000;

/**
 * Callbacks that keep their place (docs/routing.md, "Callbacks"). A waiting customer asks to be called
 * back (a digit in the hold loop, the chat widget's button): the contact keeps its job, hence its place,
 * in its queue, and its caller's hang-up no longer abandons it. When its turn comes it is offered like a
 * call; the accept places the outbound call (CallbackDialer). Its outcome: answered -> connected, and
 * completed as any call; not reached -> tried again after `retryDelaySeconds`, at the same place (the
 * original enqueue time), until `maxAttempts` calls were placed; then it ends `callback_failed`.
 */
@Injectable()
export class CallbackService implements OnModuleInit {
  private readonly logger = new Logger(CallbackService.name);

  constructor(
    private readonly contacts: ContactRepository,
    private readonly queues: QueueRegistry,
    private readonly timers: TimerHandlerRegistry,
    private readonly flow: ContactFlowService,
    private readonly dialer: CallbackDialer,
    private readonly signal: DispatchSignal,
    private readonly frontOffice: FrontOfficeConfig,
    private readonly notifier: OperatorNotifier,
    private readonly views: ConsoleViewService,
  ) {}

  onModuleInit(): void {
    this.timers.register('callback.retry', async ({ contactId }) => {
      await this.retry(contactId);
    });
    this.timers.register('callback.attempt-timeout', async ({ contactId, attempt, status }) => {
      await this.outcome(contactId, attempt, status);
    });
  }

  /** The key a waiting caller presses to be called back, or null when callbacks are off. */
  get digit(): string | null {
    return this.frontOffice.data.callbacks?.digit ?? null;
  }

  /** A callback can be offered to this contact now: it waits, has none yet, and can be called back. */
  canOffer(contact: Contact): boolean {
    return contact.state === 'queued' && this.offerable(contact);
  }

  /**
   * As canOffer, also while an operator is being offered the contact (a reject or a timeout puts it back
   * in the line): a hold loop that runs by itself (Vonage, Telnyx) keeps offering the key meanwhile.
   */
  mayOffer(contact: Contact): boolean {
    return (contact.state === 'queued' || contact.state === 'offered') && this.offerable(contact);
  }

  /**
   * Whether this contact is one a callback is offered to, whatever its state now: a hold loop that runs
   * by itself (Telnyx's gather) may still be running when the call is moved on, and is stopped then.
   */
  offeredTo(contact: Contact): boolean {
    return this.offerable(contact);
  }

  /** The number a call is called back on: its caller id, as its provider gives it (Vonage's has no `+`). */
  callerNumber(contact: Contact): string | null {
    return this.dialer.callerNumber(contact);
  }

  private offerable(contact: Contact): boolean {
    return (
      !contact.callback &&
      this.dialer.canCallBack(contact) &&
      // A call is called back on its caller id: a withheld or non-phone one cannot be.
      (contact.channel !== 'voice' || callbackNumber(this.callerNumber(contact)) !== null)
    );
  }

  /**
   * The customer of a waiting contact asks to be called back on `rawNumber`. The contact stays in its
   * queue with its job (its place); from now on it is offered like a call (voice slot). Idempotent: a
   * contact that already has one gets it back. Refused (4xx with a reason): callbacks off or not possible
   * for this provider, a number that cannot be called, a contact no longer waiting.
   */
  async request(contactId: string, rawNumber: string | null, via: CallbackRequest['via']): Promise<Contact> {
    const contact = await this.contacts.findById(contactId);
    if (!contact) throw new DomainError('not_found', `Contact ${contactId} does not exist`);
    if (contact.callback) return contact;
    if (!this.dialer.canCallBack(contact)) {
      throw new DomainError('unsupported', 'Callbacks are not available for this contact', { contactId });
    }
    const number = callbackNumber(rawNumber);
    if (!number) {
      throw new DomainError('validation_failed', 'number: an E.164 phone number such as +390212345678');
    }
    const callback: CallbackRequest = { number, requestedAt: new Date().toISOString(), via, attempts: 0 };
    const requested = await this.contacts.patchIn(
      contact.id,
      ['queued'],
      { callback },
      { kind: 'callback_requested', via },
    );
    if (!requested) {
      const now = await this.contacts.findById(contact.id);
      if (now?.callback) return now;
      throw new DomainError('conflict', 'The contact is no longer waiting in a queue', {
        contactId,
        state: now?.state,
      });
    }
    if (requested.problemType && requested.channel !== 'voice') {
      // A chat customer called back takes an operator's voice slot, like a call.
      const job = await this.queues.waitingLine(requested.problemType).getJob(requested.id);
      await job?.updateData({ ...job.data, channel: 'voice' }).catch(() => undefined);
    }
    this.logger.log(
      { correlationId: contact.id, contactId: contact.id, via, number: maskPhone(number) },
      'Callback requested',
    );
    return requested;
  }

  /**
   * What became of an outbound attempt (`status` as the provider says it: `in-progress`/`answered`,
   * `completed`, `busy`, `no-answer`, `failed`, `canceled`, or `no_status` from the attempt's timer).
   * `attempt` null: the current one (the generic gateway reports by call id, which is per attempt).
   * A report about an earlier attempt, or one repeated, changes nothing.
   */
  async outcome(
    contactId: string,
    attempt: number | null,
    status: string,
    at = new Date(),
  ): Promise<Contact | null> {
    const contact = await this.contacts.findById(contactId);
    if (!contact?.callback) return null;
    const current = contact.callback.attempts;
    if (attempt !== null && attempt !== current) return contact;
    switch (classifyCallbackStatus(status)) {
      case 'answered':
        return (await this.answered(contact, at)) ?? (await this.contacts.findById(contactId));
      case 'ended': {
        // Twilio reports `completed` only for a call that was answered: it was reached, and is over.
        if (contact.state === 'calling_back') await this.answered(contact, at);
        return this.flow.end(contactId, 'callback_completed', at);
      }
      case 'not_reached':
        return (await this.notReached(contact, status, at)) ?? (await this.contacts.findById(contactId));
      default:
        return contact;
    }
  }

  private async answered(contact: Contact, at: Date): Promise<Contact | null> {
    const connected = await this.contacts.transition(
      contact.id,
      ['calling_back'],
      'connected',
      { connectedAt: at },
      { reason: 'callback_answered', attempt: contact.callback!.attempts, operatorId: contact.operatorId },
      at,
    );
    if (connected) {
      await this.queues.cancel(callbackTimeoutJobId(contact.id, contact.callback!.attempts));
      // The console shows the customer on the line: its actions (complete, transfer...) apply now.
      if (connected.operatorId) {
        await this.notifier.emit(
          connected.operatorId,
          'contact.connected',
          await this.views.current(connected),
        );
      }
      this.logger.log({ correlationId: contact.id, contactId: contact.id }, 'Callback answered');
    }
    return connected;
  }

  private async notReached(contact: Contact, status: string, at: Date): Promise<Contact | null> {
    const policy = this.frontOffice.data.callbacks ?? { maxAttempts: 1, retryDelaySeconds: 0 };
    const attempts = contact.callback!.attempts;
    const step = nextCallbackStep(attempts, policy, at.getTime());
    const operatorId = contact.operatorId;
    const moved =
      step.kind === 'retry'
        ? await this.contacts.transition(
            contact.id,
            ['calling_back'],
            'callback_pending',
            { operatorId: null },
            { status, attempt: attempts, retryAt: new Date(step.at).toISOString() },
            at,
          )
        : await this.contacts.transition(
            contact.id,
            ['calling_back'],
            'callback_failed',
            { operatorId: null, endedAt: at },
            { status, attempts, reason: 'not_reached' },
            at,
          );
    if (!moved) return null;
    await this.queues.cancel(callbackTimeoutJobId(contact.id, attempts));
    if (step.kind === 'retry') {
      await this.queues.schedule(
        'callback.retry',
        { contactId: contact.id },
        { delayMs: step.at - Date.now(), jobId: callbackRetryJobId(contact.id, attempts) },
      );
    }
    this.logger.log(
      { correlationId: contact.id, contactId: contact.id, status, attempts, next: step.kind },
      step.kind === 'retry' ? 'Callback not reached: will retry' : 'Callback not reached: failed',
    );
    // The operator who waited for the customer's answer goes to wrap-up, then takes the next contact.
    await this.flow.startWrapUp(moved, operatorId);
    return moved;
  }

  /**
   * The reconciler's safety net (its timers are durable, but a timer that failed every try, or a lost
   * Redis, must not leave a callback waiting for ever): a callback past its retry time goes back to its
   * queue; an attempt that reported nothing long after its ring time counts as not reached (recorded at
   * the real time; `now` only decides what is overdue). Both steps are compare-and-set, so a timer that
   * runs after all changes nothing. Returns how many it moved.
   */
  async recover(now = Date.now()): Promise<number> {
    let moved = 0;
    for (const contact of await this.contacts.listByState('callback_pending')) {
      const pending = (await this.contacts.events(contact.id)).findLast((e) => e.type === 'callback_pending');
      const retryAt = Date.parse(String(pending?.data.retryAt ?? ''));
      if (Number.isFinite(retryAt) && now > retryAt + TIMER_LATE_MS && (await this.retry(contact.id)))
        moved++;
    }
    const ringSeconds = this.frontOffice.data.callbacks?.ringSeconds ?? 30;
    const silentAfterMs = (ringSeconds + ATTEMPT_GRACE_SECONDS) * 1000 + TIMER_LATE_MS;
    for (const contact of await this.contacts.listByState('calling_back')) {
      const placed = (await this.contacts.events(contact.id)).findLast((e) => e.type === 'calling_back');
      if (!placed || !contact.callback || now - placed.at.getTime() <= silentAfterMs) continue;
      if (await this.notReached(contact, 'no_status', new Date())) moved++;
    }
    if (moved > 0) this.logger.warn({ moved }, 'Callbacks whose timers did not run were moved on');
    return moved;
  }

  /** Back into its queue after the retry delay, at its original place (its first enqueue time). */
  private async retry(contactId: string): Promise<boolean> {
    const moved = await this.contacts.transition(
      contactId,
      ['callback_pending'],
      'queued',
      { operatorId: null },
      { reason: 'callback_retry' },
    );
    if (!moved?.problemType) return false;
    await this.queues.addWaiting(
      {
        contactId: moved.id,
        queue: moved.problemType,
        enqueuedAt: (moved.queuedAt ?? moved.receivedAt).getTime(),
        language: moved.language,
        // A callback takes an operator's voice slot, whatever channel it was asked from.
        channel: 'voice',
      },
      this.frontOffice.problemType(moved.problemType)?.priority ?? 0,
    );
    await this.queues.placeWaiting(moved.problemType, moved.id);
    await this.signal.notify();
    return true;
  }
}
