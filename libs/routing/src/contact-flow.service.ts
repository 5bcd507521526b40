import { Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { Contact, ContactState } from '@centralino/contacts';
import { FrontOfficeConfig } from '@centralino/config';
import { ContactRepository, JsonObject, Receipt } from '@centralino/persistence';
import { QueueRegistry, TimerHandlerRegistry } from '@centralino/queueing';
import { DispatchSignal } from './dispatch-signal.service';
import { OfferService } from './offer.service';
import { OperatorNotifier } from './operator-notifier';
import { DEFAULT_HANDLE_SECONDS, estimateWait, WaitEstimate } from './domain/estimate-wait';
import { capacityChannel } from './domain/operator-state';
import { StaffingService } from './staffing.service';
import { HandleTimeStore } from './store/handle-time.store';
import { OperatorStateStore } from './store/operator-state.store';

/** Handle time assumed before a queue has any history (seconds). */

export function wrapUpJobId(operatorId: string, contactId: string): string {
  return `wrap-up-end.${operatorId}.${contactId}`;
}

/** A contact's life after intake: it waits in its queue, and it ends (hang-up, completion). */
@Injectable()
export class ContactFlowService implements OnModuleInit {
  private readonly logger = new Logger(ContactFlowService.name);

  constructor(
    private readonly contacts: ContactRepository,
    private readonly queues: QueueRegistry,
    private readonly offers: OfferService,
    private readonly operators: OperatorStateStore,
    private readonly notifier: OperatorNotifier,
    private readonly signal: DispatchSignal,
    private readonly timers: TimerHandlerRegistry,
    private readonly frontOffice: FrontOfficeConfig,
    private readonly handleTimes: HandleTimeStore,
    private readonly staffing: StaffingService,
  ) {}

  onModuleInit(): void {
    this.timers.register('operator.wrap-up-end', ({ operatorId, contactId }) =>
      this.endWrapUp(operatorId, contactId),
    );
  }

  /** The wrap-up of `contactId` is over: a chat's frees its chat slot; a call's makes the operator available. */
  private async endWrapUp(operatorId: string, contactId: string, slot?: 'voice'): Promise<void> {
    // A voice slot's wrap-up (known to the caller) skips the chat slots' check.
    if (slot !== 'voice' && (await this.operators.endChatWrapUp(operatorId, contactId))) {
      await this.signal.notify();
      return;
    }
    if (
      await this.operators.transition(operatorId, ['wrap_up'], 'available', {
        contactId: null,
        idleSince: Date.now(),
      })
    ) {
      await this.notifyState(operatorId);
      await this.signal.notify();
    }
  }

  /**
   * Makes sure a queued contact has its job in the waiting line. Idempotent (the job id is the contact
   * id), so intake retries and the reconciler can call it freely.
   */
  async ensureWaiting(contact: Contact): Promise<void> {
    if (contact.state !== 'queued' || !contact.problemType) return;
    const priority = this.frontOffice.problemType(contact.problemType)?.priority ?? 0;
    await this.queues.addWaiting(
      {
        contactId: contact.id,
        queue: contact.problemType,
        enqueuedAt: (contact.queuedAt ?? contact.receivedAt).getTime(),
        language: contact.language,
        // A callback takes an operator's voice slot, whatever channel it was asked from.
        channel: contact.callback ? 'voice' : contact.channel,
      },
      priority,
    );
    await this.signal.notify();
  }

  /** 1-based position of a waiting contact in its queue, or null when it is not waiting. */
  async position(contact: Contact): Promise<number | null> {
    if (contact.state !== 'queued' || !contact.problemType) return null;
    // One script (ZRANK / LPOS), not the whole line read per intake: lines grow long under load.
    return this.queues.waitingPosition(contact.problemType, contact.id);
  }

  /**
   * Estimated wait of a waiting contact from its position, the operators logged in with the queue's skill
   * (available, busy or in wrap-up; not away) and the queue's recent handle times.
   */
  async estimatedWait(contact: Contact, position: number | null): Promise<WaitEstimate | null> {
    if (!position || !contact.problemType) return null;
    const skill = this.frontOffice.skillFor(contact.problemType);
    const [staffed, handleTimes] = await Promise.all([
      this.staffing.staffed(skill),
      this.handleTimes.recent(contact.problemType),
    ]);
    return estimateWait({
      position,
      staffed,
      handleTimes,
      defaultHandleSeconds: DEFAULT_HANDLE_SECONDS,
    });
  }

  /**
   * The call or chat ended on the customer's side. Waiting, offered or leaving a message (the voice flow
   * stores what was said before it calls this) -> abandoned (with the wait recorded); connected ->
   * completed and the operator goes to wrap-up. Already final, or a callback not connected: nothing
   * happens (CallbackService decides what follows a callback's outbound attempt).
   */
  async end(
    contactId: string,
    reason: string,
    at = new Date(),
    /** The contact as the caller just read it: the first attempt starts from it instead of a read. */
    known?: Contact,
    /**
     * The webhook that reports the end (idempotency record): written by the statement that ends the
     * contact, or on its own when nothing is written (a final contact, a callback's), not one more
     * round trip before it.
     */
    receipt?: Receipt,
  ): Promise<Contact | null> {
    let pending = receipt;
    /** The receipt for the next statement that writes: it is recorded once. */
    const take = () => {
      const taken = pending;
      pending = undefined;
      return taken;
    };
    /** Not answered: abandoned, with how long the caller waited. */
    const abandon = (contact: Contact, from: ContactState[]) =>
      this.contacts.transition(
        contactId,
        from,
        'abandoned',
        { endedAt: at },
        { reason, waitSeconds: this.waitSeconds(contact, at) },
        undefined,
        undefined,
        { receipt: take() },
      );
    try {
      for (let attempt = 0; attempt < 5; attempt++) {
        const contact =
          attempt === 0 && known?.id === contactId ? known : await this.contacts.findById(contactId);
        if (!contact) return null;
        // The customer asked to be called back: their hang-up ends the call, not the contact, which keeps
        // its place (docs/routing.md, "Callbacks").
        if (contact.callback && (contact.state === 'queued' || contact.state === 'offered')) return contact;
        switch (contact.state) {
          case 'received':
          case 'triaged':
          case 'messaging':
          case 'queued': {
            if (contact.state === 'queued' && contact.problemType) {
              const job = await this.queues.waitingLine(contact.problemType).getJob(contactId);
              // A job locked by a dispatcher right now is dropped by it once it sees the final state.
              await job?.remove().catch(() => undefined);
            }
            const ended = await abandon(contact, [contact.state]);
            if (ended) return ended;
            break;
          }
          case 'offered': {
            await this.offers.withdrawForHangUp(contactId);
            const ended = await abandon(contact, ['offered', 'queued']);
            if (ended) return ended;
            break;
          }
          case 'connected': {
            const ended = await this.complete(contact, reason, at, undefined, take());
            if (ended) return ended;
            break;
          }
          default:
            return contact;
        }
      }
      this.logger.error({ contactId }, 'Could not settle the end of a contact after 5 attempts');
      return await this.contacts.findById(contactId);
    } finally {
      const left = take();
      if (left) await this.contacts.recordReceipt(left, contactId);
    }
  }

  /**
   * Connected -> completed, the talk time recorded, the operator to wrap-up; null (nothing written) when
   * the contact is no longer connected. `note` (an operator's disposition) is logged by the same
   * statement, after the `completed` event.
   */
  async complete(
    contact: Contact,
    reason: string,
    at = new Date(),
    note?: JsonObject & { kind: string },
    /** The webhook that reports it, recorded by the same statement (ContactRepository.transition). */
    receipt?: Receipt,
  ): Promise<Contact | null> {
    const talkSeconds = contact.connectedAt ? (at.getTime() - contact.connectedAt.getTime()) / 1000 : 0;
    const ended = await this.contacts.transition(
      contact.id,
      ['connected'],
      'completed',
      { endedAt: at },
      { reason, talkSeconds: Math.round(talkSeconds) },
      at,
      note,
      { noteAfter: true, receipt },
    );
    if (!ended) return null;
    // The queue's handle times and the operator's wrap-up are independent: side by side.
    await Promise.all([
      ended.problemType && contact.connectedAt
        ? this.handleTimes.record(
            ended.problemType,
            Math.round(talkSeconds + this.frontOffice.data.routing.wrapUpSeconds),
          )
        : undefined,
      this.startWrapUp(ended),
    ]);
    return ended;
  }

  /**
   * The contact is no longer the operator's (it ended, or they handed it on): tell the console and start
   * the timed wrap-up. `operatorId` defaults to the contact's, which a transfer has already cleared.
   */
  async startWrapUp(contact: Contact, operatorId = contact.operatorId): Promise<void> {
    if (!operatorId) return;
    const wrapUpSeconds = this.frontOffice.data.routing.wrapUpSeconds;
    await this.notifier.emit(operatorId, 'contact.ended', {
      contactId: contact.id,
      state: contact.state,
      wrapUpSeconds,
      wrapUpEndsAt: Date.now() + wrapUpSeconds * 1000,
    });
    // A callback holds the operator's voice slot, whatever channel it was asked from (unless it was
    // asked for just as it was being offered as a chat: then it holds the chat slot it was offered in).
    const inVoiceSlot = !!contact.callback && (await this.operators.get(operatorId)).contactId === contact.id;
    if (!inVoiceSlot && capacityChannel(contact.channel) === 'chat') {
      const endsAt = wrapUpSeconds > 0 ? Date.now() + wrapUpSeconds * 1000 : null;
      if ((await this.operators.wrapUpChat(operatorId, contact.id, endsAt)) && endsAt !== null) {
        await this.queues.schedule(
          'operator.wrap-up-end',
          { operatorId, contactId: contact.id },
          { delayMs: wrapUpSeconds * 1000, jobId: wrapUpJobId(operatorId, contact.id) },
        );
      } else {
        await this.signal.notify();
      }
      return;
    }
    if (await this.operators.transition(operatorId, ['busy'], 'wrap_up', { contactId: contact.id })) {
      // No wrap-up configured: available at once, without a timer job (one per contact otherwise).
      if (wrapUpSeconds === 0) return this.endWrapUp(operatorId, contact.id, 'voice');
      await this.notifyState(operatorId);
      await this.queues.schedule(
        'operator.wrap-up-end',
        { operatorId: operatorId, contactId: contact.id },
        { delayMs: wrapUpSeconds * 1000, jobId: wrapUpJobId(operatorId, contact.id) },
      );
    }
  }

  private async notifyState(operatorId: string): Promise<void> {
    const state = await this.operators.get(operatorId);
    await this.notifier.emit(operatorId, 'operator.state', {
      state: state.state,
      since: state.since,
      reason: state.reason,
    });
  }

  private waitSeconds(contact: Contact, at: Date): number {
    const start = contact.queuedAt ?? contact.receivedAt;
    return Math.max(0, Math.round((at.getTime() - start.getTime()) / 1000));
  }
}
