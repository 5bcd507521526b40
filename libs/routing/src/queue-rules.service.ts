import { Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { Contact } from '@centralino/contacts';
import { FrontOfficeConfig } from '@centralino/config';
import { ContactRepository } from '@centralino/persistence';
import { QueueRegistry, TimerHandlerRegistry } from '@centralino/queueing';
import { CallBridges } from './call-bridge';
import { ContactFlowService } from './contact-flow.service';
import { BusinessCalendar } from './domain/business-hours';
import {
  DiversionReason,
  placeContact,
  QueuePlacement,
  QueueRulesView,
  reachableQueues,
} from './domain/queue-rules';
import { MESSAGE_EXPIRY_SECONDS, messageExpiryJobId } from './message-expiry';
import { AdmissionLockStore } from './store/admission-lock.store';

export function maxWaitJobId(contactId: string, queue: string): string {
  return `max-wait.${contactId}.${queue}`;
}

/** The `note` kind of a move to another queue by the rules (not an operator's transfer). */
export const OVERFLOW_NOTE_KIND = 'overflow';

/** The message source a diversion's message is counted under (`out_of_hours` or `overflow`). */
export function messageReasonOf(reason: DiversionReason): 'out_of_hours' | 'overflow' {
  return reason === 'out_of_hours' ? 'out_of_hours' : 'overflow';
}

/**
 * Enforces the queue rules (docs/routing.md, "Queue rules"): a contact that arrives for a queue waits in
 * it, or is diverted to another queue, to a message (`messaging`, finished by the channel's message flow)
 * or ends `closed` (the channel announces it); a contact that waits longer than `maxWaitSeconds` leaves by
 * the queue's `overflow`. The decision is pure (domain/queue-rules.ts); this service reads the calendars
 * and the lengths and carries the decision out, each step a compare-and-set so it races hang-ups and the
 * dispatcher safely.
 */
@Injectable()
export class QueueRulesService implements OnModuleInit {
  private readonly logger = new Logger(QueueRulesService.name);
  private readonly calendars = new Map<string, BusinessCalendar>();

  constructor(
    private readonly contacts: ContactRepository,
    private readonly queues: QueueRegistry,
    private readonly flow: ContactFlowService,
    private readonly bridges: CallBridges,
    private readonly timers: TimerHandlerRegistry,
    private readonly frontOffice: FrontOfficeConfig,
    private readonly admission: AdmissionLockStore,
  ) {}

  onModuleInit(): void {
    this.timers.register('queue.max-wait', ({ contactId, queue }) => this.maxWaitReached(contactId, queue));
  }

  /**
   * A contact intake has just queued (state `queued`, not yet in its waiting line): apply the rules of
   * its queue. Returns the contact as it is afterwards (queued, messaging or closed).
   */
  async admit(contact: Contact): Promise<Contact> {
    if (contact.state !== 'queued' || !contact.problemType) return contact;
    const start = contact.problemType;
    const decide = async () => this.carryOut(contact, placeContact(start, await this.views(start)));
    // Where a queue on the way has a maximum length, counting and joining are one step (AdmissionLockStore).
    return this.limited(start) ? this.admission.run(decide) : decide();
  }

  /** Some queue the contact could end up in from `start` has a `maxLength`. */
  private limited(start: string): boolean {
    return reachableQueues(start, (queue) => this.frontOffice.problemType(queue)).some(
      (queue) => this.frontOffice.problemType(queue)?.maxLength !== undefined,
    );
  }

  /**
   * Repairs a queued contact whose job is missing (a crash between the commit and the enqueue; called by
   * retried deliveries and the reconciler): it is admitted again. False when there was nothing to do.
   */
  async admitIfMissing(contact: Contact): Promise<boolean> {
    if (contact.state !== 'queued' || !contact.problemType) return false;
    if (await this.queues.waitingLine(contact.problemType).getJob(contact.id)) return false;
    // A callback was admitted long ago and keeps its place: it only needs its job back.
    let after = contact;
    if (contact.callback) await this.flow.ensureWaiting(contact);
    else after = await this.admit(contact);
    // It was waiting all along (the job was lost, not the wait): placed by its original age, not at the
    // back of the line.
    if (after.state === 'queued' && after.problemType)
      await this.queues.placeWaiting(after.problemType, after.id);
    return true;
  }

  /** The queue's calendar says open at `at`. */
  isOpen(queue: string, at = Date.now()): boolean {
    return this.calendar(queue).isOpen(at);
  }

  /** When the queue opens next (now if open), for prompts; null if its calendar never opens. */
  nextOpening(queue: string, at = Date.now()): Date | null {
    return this.calendar(queue).nextOpening(at);
  }

  /**
   * The `queue.max-wait` timer: a contact still waiting in `queue` leaves it by its `overflow`. One that
   * is being offered right now is checked again after the offer's time (a missed or rejected offer puts
   * it back); one that was answered, moved or ended, or that is a callback, is left alone.
   */
  private async maxWaitReached(contactId: string, queue: string): Promise<void> {
    const contact = await this.contacts.findById(contactId);
    if (!contact || contact.problemType !== queue) return;
    // A callback's customer is not holding: they wait for the call they asked for, at their place.
    if (contact.callback) return;
    if (contact.state === 'offered') {
      await this.queues.schedule(
        'queue.max-wait',
        { contactId, queue },
        {
          delayMs: this.frontOffice.data.routing.offerTimeoutSeconds * 1000,
          jobId: `${maxWaitJobId(contactId, queue)}.${Date.now()}`,
        },
      );
      return;
    }
    if (contact.state !== 'queued') return;
    const leave = () => this.leave(contact, 'max_wait', 0);
    const left = this.limited(queue) ? await this.admission.run(leave) : await leave();
    // Out of the waiting line: the caller on hold (or the chat widget) is told now.
    if (left.state === 'messaging' || left.state === 'closed') await this.bridges.diverted(left);
    if (left.state !== 'queued' || left.problemType !== queue) {
      this.logger.log(
        { correlationId: contactId, contactId, queue, state: left.state, to: left.problemType },
        'Maximum wait reached: contact diverted',
      );
    }
  }

  /**
   * Takes a waiting contact out of its queue by the queue's `overflow` (`forced`). The job is removed
   * first: a job a dispatcher holds right now cannot be removed, and that contact is being offered, so it
   * stays where it is.
   */
  private async leave(contact: Contact, forced: 'max_wait' | 'queue_full', depth: number): Promise<Contact> {
    const from = contact.problemType!;
    const placement = placeContact(from, await this.views(from), forced);
    const job = await this.queues.waitingLine(from).getJob(contact.id);
    if (job) {
      try {
        await job.remove();
      } catch {
        return contact;
      }
    }
    return this.carryOut(contact, placement, depth);
  }

  private async carryOut(contact: Contact, placement: QueuePlacement, depth = 0): Promise<Contact> {
    const at = new Date();
    const hops = placement.hops.map((hop) => ({ ...hop }));
    switch (placement.kind) {
      case 'wait': {
        let placed: Contact | null = contact;
        if (placement.queue !== contact.problemType) {
          placed = await this.contacts.patchIn(
            contact.id,
            ['queued'],
            { problemType: placement.queue },
            {
              kind: OVERFLOW_NOTE_KIND,
              from: contact.problemType,
              to: placement.queue,
              reason: placement.hops.at(-1)!.reason,
              hops,
            },
            at,
          );
          if (!placed) return this.current(contact);
        }
        await this.flow.ensureWaiting(placed);
        // An overflowed contact keeps its original enqueue time: placed by age among those waiting there.
        if (placement.hops.length > 0) await this.queues.placeWaiting(placement.queue, placed.id);
        await this.scheduleMaxWait(placed);
        // Safety net behind the admission lock (which an admission may go without after waiting 3 s): a
        // contact whose position is behind the limit leaves.
        if (depth < this.frontOffice.queueIds.length && (await this.oneTooMany(placed))) {
          return this.leave(placed, 'queue_full', depth + 1);
        }
        return placed;
      }
      case 'message': {
        const moved = await this.contacts.transition(
          contact.id,
          ['queued'],
          'messaging',
          {},
          {
            reason: messageReasonOf(placement.reason),
            recipientId: placement.department,
            rule: placement.reason,
            queue: placement.queue,
            hops,
          },
          at,
        );
        if (!moved) return this.current(contact);
        await this.removeJob(contact);
        await this.queues.schedule(
          'voice-message.expire',
          { contactId: moved.id },
          { delayMs: MESSAGE_EXPIRY_SECONDS * 1000, jobId: messageExpiryJobId(moved.id) },
        );
        this.logDiversion(moved, placement);
        return moved;
      }
      case 'closed': {
        const moved = await this.contacts.transition(
          contact.id,
          ['queued'],
          'closed',
          { endedAt: at },
          {
            reason: placement.reason,
            queue: placement.queue,
            nextOpening: placement.nextOpening?.toISOString() ?? null,
            waitSeconds: Math.max(
              0,
              Math.round((at.getTime() - (contact.queuedAt ?? contact.receivedAt).getTime()) / 1000),
            ),
            hops,
          },
          at,
        );
        if (!moved) return this.current(contact);
        await this.removeJob(contact);
        this.logDiversion(moved, placement);
        return moved;
      }
    }
  }

  /** The contact's position is behind its queue's `maxLength`. */
  private async oneTooMany(contact: Contact): Promise<boolean> {
    const maxLength = this.frontOffice.problemType(contact.problemType!)?.maxLength;
    if (maxLength === undefined) return false;
    const position = await this.flow.position(contact);
    return position !== null && position > maxLength;
  }

  private async scheduleMaxWait(contact: Contact): Promise<void> {
    const queue = contact.problemType!;
    const maxWaitSeconds = this.frontOffice.problemType(queue)?.maxWaitSeconds;
    if (maxWaitSeconds === undefined) return;
    // Counted from entering this queue: an overflowed contact gets the new queue's full allowance.
    await this.queues.schedule(
      'queue.max-wait',
      { contactId: contact.id, queue },
      { delayMs: maxWaitSeconds * 1000, jobId: maxWaitJobId(contact.id, queue) },
    );
  }

  /** A job left in a waiting line by a diverted contact; one a dispatcher holds is dropped by it. */
  private async removeJob(contact: Contact): Promise<void> {
    if (!contact.problemType) return;
    const job = await this.queues.waitingLine(contact.problemType).getJob(contact.id);
    await job?.remove().catch(() => undefined);
  }

  private async current(contact: Contact): Promise<Contact> {
    return (await this.contacts.findById(contact.id)) ?? contact;
  }

  private async views(start: string): Promise<Map<string, QueueRulesView>> {
    const now = Date.now();
    const ids = reachableQueues(start, (queue) => this.frontOffice.problemType(queue));
    const views = new Map<string, QueueRulesView>();
    for (const id of ids) {
      const type = this.frontOffice.problemType(id);
      if (!type) continue;
      const calendar = this.calendar(id);
      const open = calendar.isOpen(now);
      views.set(id, {
        id,
        open,
        nextOpening: open ? null : calendar.nextOpening(now),
        waiting: type.maxLength === undefined ? 0 : await this.waitingCount(id),
        maxLength: type.maxLength,
        outOfHours: type.outOfHours,
        overflow: type.overflow,
      });
    }
    return views;
  }

  private async waitingCount(queue: string): Promise<number> {
    const counts = await this.queues.waitingLine(queue).getJobCounts('wait', 'prioritized');
    return (counts.wait ?? 0) + (counts.prioritized ?? 0);
  }

  private calendar(queue: string): BusinessCalendar {
    let calendar = this.calendars.get(queue);
    if (!calendar) {
      calendar = new BusinessCalendar(this.frontOffice.businessHoursFor(queue));
      this.calendars.set(queue, calendar);
    }
    return calendar;
  }

  private logDiversion(contact: Contact, placement: QueuePlacement): void {
    this.logger.log(
      {
        correlationId: contact.id,
        contactId: contact.id,
        queue: placement.queue,
        state: contact.state,
        reason: placement.kind === 'wait' ? undefined : placement.reason,
        hops: placement.hops.length,
      },
      'Contact diverted by the queue rules',
    );
  }
}
