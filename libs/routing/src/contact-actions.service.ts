import { Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { FrontOfficeConfig } from '@centralino/config';
import { Contact, ContactStateMachine, DepartmentMessageSink, DomainError } from '@centralino/contacts';
import { ContactRepository, OperatorRepository } from '@centralino/persistence';
import { QueueRegistry, TimerHandlerRegistry } from '@centralino/queueing';
import type {
  ContactEndedPayload,
  ContactNotePayload,
  OperatorClientPayload,
  TransferOperatorPayload,
} from '@centralino/realtime/operator-events.contract';
import { CallBridges } from './call-bridge';
import { OPERATOR_NOTE_KIND, toNotePayload } from './console-view.service';
import { ContactFlowService } from './contact-flow.service';
import { DispatchSignal } from './dispatch-signal.service';
import { OperatorDirectory } from './operator-directory.service';
import { OperatorNotifier } from './operator-notifier';
import { OperatorStateStore } from './store/operator-state.store';
import { WaitingLineService } from './waiting-line.service';

/** The `note` kind that records a completion's disposition (read back for the caller's previous contacts). */
export const DISPOSITION_NOTE_KIND = 'disposition';
/** The `note` kind reports count as transfers (libs/reporting). */
export const TRANSFER_NOTE_KIND = 'transfer';

export function transferFallbackJobId(contactId: string): string {
  return `transfer-fallback.${contactId}`;
}

/**
 * What an operator does with a contact they handle (docs/routing.md, "In-contact actions"): notes,
 * completion with a disposition, transfers (queue, operator, department) and message taking. Every state
 * change is a compare-and-set on the contact (ContactRepository.transition), so an action racing the
 * caller's hang-up settles on exactly one final state; the provider is told after centralino decided.
 */
@Injectable()
export class ContactActionsService implements OnModuleInit {
  private readonly logger = new Logger(ContactActionsService.name);

  constructor(
    private readonly contacts: ContactRepository,
    private readonly operatorRecords: OperatorRepository,
    private readonly operators: OperatorStateStore,
    private readonly directory: OperatorDirectory,
    private readonly flow: ContactFlowService,
    private readonly queues: QueueRegistry,
    private readonly waitingLine: WaitingLineService,
    private readonly bridges: CallBridges,
    private readonly notifier: OperatorNotifier,
    private readonly signal: DispatchSignal,
    private readonly timers: TimerHandlerRegistry,
    private readonly frontOffice: FrontOfficeConfig,
    private readonly messages: DepartmentMessageSink,
  ) {}

  onModuleInit(): void {
    this.timers.register('contact.transfer-fallback', async ({ contactId, queue }) => {
      if (await this.waitingLine.dropTarget(queue, contactId)) {
        this.logger.log({ contactId, queue }, 'Named transfer not taken in time: back to the whole queue');
        await this.signal.notify();
      }
    });
  }

  /** A note on a contact this operator handles or handled last; idempotent per `clientId`. */
  async note(operatorId: string, input: OperatorClientPayload<'contact.note'>): Promise<ContactNotePayload> {
    await this.own(operatorId, input.contactId);
    const operator = await this.operatorRecords.findById(operatorId);
    const event = await this.contacts.addNote(input.contactId, {
      kind: OPERATOR_NOTE_KIND,
      clientId: input.clientId,
      text: input.text,
      operatorId,
      operatorName: operator?.displayName ?? '',
    });
    const note = toNotePayload(event);
    await this.notifier.emit(operatorId, 'contact.noted', note);
    return note;
  }

  /**
   * Ends a connected voice (or SMS) contact `completed` and hangs the call up; after the caller hung up
   * first, records the disposition on the completed contact. Chats are closed by the chat service first.
   */
  async complete(
    operatorId: string,
    input: OperatorClientPayload<'contact.complete'>,
    /** The contact as the caller just read it (the gateway does): not read again. */
    known?: Contact,
  ): Promise<ContactEndedPayload> {
    if (!this.frontOffice.data.routing.dispositions.some((item) => item.id === input.disposition)) {
      throw new DomainError('validation_failed', `disposition: ${input.disposition} is not configured`);
    }
    let contact =
      known?.id === input.contactId
        ? this.owned(operatorId, known)
        : await this.own(operatorId, input.contactId);
    const disposition = {
      kind: DISPOSITION_NOTE_KIND,
      clientId: DISPOSITION_NOTE_KIND,
      disposition: input.disposition,
      ...(input.notes ? { notes: input.notes } : {}),
      operatorId,
    };
    if (contact.state === 'connected') {
      // The disposition is logged by the completion's own statement (one round trip, not two).
      const completed = await this.flow.complete(contact, 'operator_completed', new Date(), disposition);
      if (completed) {
        await this.bridges.hangUp(completed);
        return this.ended(operatorId, completed, input.disposition);
      }
      // It moved meanwhile (the caller hung up just now): settled as any end, the disposition below.
      const ended = await this.flow.end(contact.id, 'operator_completed');
      if (ended?.state === 'completed') await this.bridges.hangUp(ended);
      contact = ended ?? contact;
    }
    if (contact.state !== 'completed') {
      throw new DomainError('conflict', `The contact ended ${contact.state}, it cannot be completed`, {
        state: contact.state,
      });
    }
    // Completed before (the caller hung up first, or a resend): the first disposition wins, a resend (or a
    // second click) does not change what was recorded.
    const recorded = await this.contacts.addNote(contact.id, disposition);
    return this.ended(operatorId, contact, String(recorded.data.disposition));
  }

  async transfer(
    operatorId: string,
    { contactId, target }: OperatorClientPayload<'contact.transfer'>,
  ): Promise<ContactEndedPayload> {
    const contact = await this.own(operatorId, contactId);
    if (contact.state !== 'connected') {
      throw new DomainError('conflict', `The contact is ${contact.state}, not connected`);
    }
    switch (target.kind) {
      case 'queue':
        if (!this.frontOffice.problemType(target.queue)) {
          throw new DomainError('not_found', `There is no queue ${target.queue}`);
        }
        return this.requeue(operatorId, contact, target.queue, { to: 'queue', queue: target.queue });
      case 'operator': {
        if (target.operatorId === operatorId) {
          throw new DomainError('validation_failed', 'target.operatorId: that is you');
        }
        if (!(await this.operatorRecords.findById(target.operatorId))) {
          throw new DomainError('not_found', `Operator ${target.operatorId} does not exist`);
        }
        const state = await this.operators.get(target.operatorId);
        if (state.state !== 'available') {
          throw new DomainError('operator_not_available', `That operator is ${state.state}`, {
            state: state.state,
          });
        }
        const queue = contact.problemType ?? this.frontOffice.receptionQueue;
        const ended = await this.requeue(
          operatorId,
          contact,
          queue,
          { to: 'operator', targetOperatorId: target.operatorId },
          target.operatorId,
        );
        await this.queues.schedule(
          'contact.transfer-fallback',
          { contactId, queue },
          {
            delayMs: this.frontOffice.data.routing.offerTimeoutSeconds * 1000,
            jobId: `${transferFallbackJobId(contactId)}.${Date.now()}`,
          },
        );
        return ended;
      }
      case 'department':
        return this.transferOut(operatorId, contact, target.departmentId);
    }
  }

  /**
   * Takes a message for a department or person through the back office, then ends the contact
   * `message_taken` and hangs up. If the caller hung up first the message is still stored (once per
   * contact: the sink is idempotent) and the contact stays as it ended.
   */
  async takeMessage(
    operatorId: string,
    input: OperatorClientPayload<'contact.take-message'>,
  ): Promise<ContactEndedPayload> {
    const contact = await this.own(operatorId, input.contactId);
    if (contact.state !== 'connected' && !ContactStateMachine.isFinal(contact.state)) {
      throw new DomainError('conflict', `The contact is ${contact.state}`);
    }
    const operator = await this.operatorRecords.findById(operatorId);
    await this.messages.accept({
      contactId: contact.id,
      source: 'operator',
      recipientId: input.recipientId,
      callerAddress: contact.fromAddress,
      ...(input.callbackAddress ? { callbackAddress: input.callbackAddress } : {}),
      problemType: contact.problemType,
      language: contact.language,
      text: input.text,
      urgency: input.urgency,
      takenBy: operator?.username,
      takenAt: new Date(),
    });
    if (contact.state !== 'connected') return this.ended(operatorId, contact);
    const now = new Date();
    const ended = await this.contacts.transition(
      contact.id,
      ['connected'],
      'message_taken',
      { endedAt: now },
      { operatorId, recipientId: input.recipientId, source: 'operator' },
      now,
    );
    if (!ended) return this.ended(operatorId, (await this.contacts.findById(contact.id)) ?? contact);
    await this.bridges.hangUp(ended);
    await this.flow.startWrapUp(ended);
    return this.ended(operatorId, ended);
  }

  /** Online operators a contact can be handed to, by display name. */
  async transferOperators(operatorId: string): Promise<TransferOperatorPayload[]> {
    const ids = (await this.operators.onlineIds()).filter((id) => id !== operatorId);
    const [profiles, states] = await Promise.all([this.directory.profiles(ids), this.operators.getMany(ids)]);
    const stateOf = new Map(ids.map((id, index) => [id, states[index].state]));
    return profiles
      .map((profile) => ({
        id: profile.id,
        displayName: profile.displayName,
        team: profile.team,
        state: stateOf.get(profile.id) ?? 'offline',
      }))
      .sort((a, b) => a.displayName.localeCompare(b.displayName));
  }

  /**
   * Back into `queue` (optionally for one operator), keeping the original enqueue time: the job is placed
   * by age among the contacts already waiting there (QueueRegistry.placeWaiting).
   */
  private async requeue(
    operatorId: string,
    contact: Contact,
    queue: string,
    note: Record<string, unknown>,
    targetOperatorId?: string,
  ): Promise<ContactEndedPayload> {
    const now = new Date();
    const moved = await this.contacts.transition(
      contact.id,
      ['connected'],
      'queued',
      { operatorId: null, problemType: queue },
      { reason: 'transfer', fromOperatorId: operatorId, queue },
      now,
      { kind: TRANSFER_NOTE_KIND, operatorId, ...note },
    );
    if (!moved) return this.raced(contact.id);
    const enqueuedAt = (moved.queuedAt ?? moved.receivedAt).getTime();
    await this.queues.addWaiting(
      {
        contactId: moved.id,
        queue,
        enqueuedAt,
        language: moved.language,
        channel: moved.channel,
        ...(targetOperatorId ? { targetOperatorId } : {}),
      },
      this.frontOffice.problemType(queue)?.priority ?? 0,
    );
    await this.queues.placeWaiting(queue, moved.id);
    await this.bridges.requeue(moved);
    await this.flow.startWrapUp(moved, operatorId);
    await this.signal.notify();
    this.logger.log(
      { contactId: moved.id, operatorId, queue, targetOperatorId },
      'Transferred back to a queue',
    );
    return this.ended(operatorId, moved);
  }

  /** Out to a department's phone: the provider transfers the call, the contact ends `transferred`. */
  private async transferOut(
    operatorId: string,
    contact: Contact,
    departmentId: string,
  ): Promise<ContactEndedPayload> {
    const department = this.frontOffice.data.directory.find(
      (entry) => entry.kind === 'department' && entry.id === departmentId,
    );
    if (!department) throw new DomainError('not_found', `There is no department ${departmentId}`);
    if (contact.channel !== 'voice') {
      throw new DomainError('unsupported', 'Only calls can be transferred to a department');
    }
    if (!department.phone) {
      throw new DomainError('unsupported', `${department.name} has no phone number: take a message instead`);
    }
    // The provider first: if it cannot transfer, the operator still has the caller and nothing changed.
    await this.bridges.transfer(contact, department.phone);
    const now = new Date();
    const ended = await this.contacts.transition(
      contact.id,
      ['connected'],
      'transferred',
      { endedAt: now },
      { operatorId, departmentId, number: department.phone },
      now,
      { kind: TRANSFER_NOTE_KIND, operatorId, to: 'department', departmentId },
    );
    if (!ended) return this.raced(contact.id);
    await this.flow.startWrapUp(ended);
    this.logger.log({ contactId: ended.id, operatorId, departmentId }, 'Transferred out to a department');
    return this.ended(operatorId, ended);
  }

  /** The caller hung up while the operator acted: the hang-up won; answer with how the contact ended. */
  private async raced(contactId: string): Promise<never> {
    const current = await this.contacts.findById(contactId);
    throw new DomainError('conflict', `The contact ended ${current?.state ?? 'meanwhile'} first`, {
      state: current?.state,
    });
  }

  private async ended(
    operatorId: string,
    contact: Contact,
    disposition?: string,
  ): Promise<ContactEndedPayload> {
    const wrapUpSeconds = this.frontOffice.data.routing.wrapUpSeconds;
    const live = await this.operators.get(operatorId);
    const wrapUpEndsAt =
      live.state === 'wrap_up' && live.contactId === contact.id
        ? live.since + wrapUpSeconds * 1000
        : Date.now();
    return {
      contactId: contact.id,
      state: contact.state,
      ...(disposition ? { disposition } : {}),
      wrapUpSeconds,
      wrapUpEndsAt,
    };
  }

  /** The contact, if this operator handles it or handled it last; `forbidden` otherwise. */
  private async own(operatorId: string, contactId: string): Promise<Contact> {
    const contact = await this.contacts.findById(contactId);
    if (!contact) throw new DomainError('not_found', `Contact ${contactId} does not exist`);
    return this.owned(operatorId, contact);
  }

  private owned(operatorId: string, contact: Contact): Contact {
    if (contact.operatorId !== operatorId) throw new DomainError('forbidden', 'This contact is not yours');
    return contact;
  }
}
