import { Injectable, Logger } from '@nestjs/common';
import { Job } from 'bullmq';
import { AuditService } from '@centralino/audit';
import { FrontOfficeConfig } from '@centralino/config';
import { DomainError } from '@centralino/contacts';
import { ContactRepository, OperatorRecord, OperatorRepository } from '@centralino/persistence';
import { QueueRegistry, WaitingContact } from '@centralino/queueing';
import type {
  OperatorStatePayload,
  WaitingPlacementPayload,
} from '@centralino/realtime/operator-events.contract';
import { DispatchSignal } from './dispatch-signal.service';
import { OfferService } from './offer.service';
import { OperatorNotifier } from './operator-notifier';
import { OperatorPresenceService } from './operator-presence.service';
import { OfferStore } from './store/offer.store';
import { OperatorStateStore } from './store/operator-state.store';

/** Who acts: the supervisor's or admin's token claims. */
export interface Supervisor {
  sub: string;
  username: string;
  role: string;
}

/**
 * The teams a supervisor sees and acts on: `supervises`, else their own team; null = everyone (admins).
 * Pure, so the gateway filters snapshots with the same rule the actions enforce.
 */
export function supervisedTeams(role: string, record: Pick<OperatorRecord, 'team' | 'supervises'> | null) {
  if (role === 'admin') return null;
  if (!record) return new Set<string>();
  const teams = record.supervises?.length ? record.supervises : record.team ? [record.team] : [];
  return new Set(teams);
}

/**
 * Supervisor interventions (docs/realtime.md, "/supervisors"): move or prioritise a waiting contact, set
 * an operator away or log them out. Operators are team-scoped; every action is audited after it succeeds.
 */
@Injectable()
export class SupervisorActionsService {
  private readonly logger = new Logger(SupervisorActionsService.name);

  constructor(
    private readonly contacts: ContactRepository,
    private readonly operatorRecords: OperatorRepository,
    private readonly operators: OperatorStateStore,
    private readonly offers: OfferStore,
    private readonly offerService: OfferService,
    private readonly presence: OperatorPresenceService,
    private readonly queues: QueueRegistry,
    private readonly notifier: OperatorNotifier,
    private readonly signal: DispatchSignal,
    private readonly frontOffice: FrontOfficeConfig,
    private readonly audit: AuditService,
  ) {}

  async scope(supervisor: Supervisor): Promise<Set<string> | null> {
    if (supervisor.role === 'admin') return null;
    return supervisedTeams(supervisor.role, await this.operatorRecords.findById(supervisor.sub));
  }

  /** A waiting contact to another queue, keeping its original enqueue time and priority. */
  async move(supervisor: Supervisor, contactId: string, queue: string): Promise<WaitingPlacementPayload> {
    if (!this.frontOffice.problemType(queue))
      throw new DomainError('not_found', `There is no queue ${queue}`);
    const { contact, job } = await this.waiting(contactId);
    const from = contact.problemType!;
    if (from !== queue) {
      // A job a dispatcher holds (being offered) is locked: removing it fails, and the contact is not waiting.
      await job.remove().catch(() => {
        throw new DomainError('conflict', 'The contact is being offered right now');
      });
      const moved = await this.contacts.patchIn(
        contactId,
        ['queued'],
        { problemType: queue },
        { kind: 'moved', from, to: queue, by: supervisor.username },
      );
      if (!moved) throw new DomainError('conflict', 'The contact stopped waiting meanwhile');
      const { targetOperatorId: _target, ...data } = job.data;
      void _target;
      await this.queues.addWaiting({ ...data, queue }, this.frontOffice.problemType(queue)?.priority ?? 0);
      await this.signal.notify();
    }
    const position = await this.queues.placeWaiting(queue, contactId);
    await this.record(supervisor, 'contact.move', `contact:${contactId}`, { from, to: queue });
    return this.placement(contactId, queue, job.data, position);
  }

  /** Within its queue: higher priority first, FIFO by original age among equals (docs/routing.md). */
  async prioritise(
    supervisor: Supervisor,
    contactId: string,
    priority: number,
  ): Promise<WaitingPlacementPayload> {
    const { contact, job } = await this.waiting(contactId);
    const data = { ...job.data, priority };
    await job.updateData(data);
    const position = await this.queues.placeWaiting(contact.problemType!, contactId);
    await this.contacts.addNote(contactId, { kind: 'priority', priority, by: supervisor.username });
    await this.record(supervisor, 'contact.priority', `contact:${contactId}`, { priority });
    await this.signal.notify();
    return this.placement(contactId, contact.problemType!, data, position);
  }

  /** Away with a reason; an offer ringing on their console goes back to its queue first. */
  async setAway(
    supervisor: Supervisor,
    operatorId: string,
    reason: string,
  ): Promise<OperatorStatePayload & { operatorId: string }> {
    await this.inScope(supervisor, operatorId);
    await this.handBackOffer(operatorId);
    const changed = await this.operators.transition(
      operatorId,
      ['available', 'reserved', 'away', 'wrap_up'],
      'away',
      { offerId: null, reason },
    );
    const state = await this.presence.state(operatorId);
    if (!changed) {
      throw new DomainError('conflict', `Cannot set an operator away while ${state.state}`, {
        state: state.state,
      });
    }
    await this.notifier.emit(operatorId, 'operator.state', state);
    await this.record(supervisor, 'operator.set-away', `operator:${operatorId}`, { reason });
    return { operatorId, ...state };
  }

  /** Offline now; the caller (the gateway) then tells and disconnects their consoles. */
  async logOut(
    supervisor: Supervisor,
    operatorId: string,
  ): Promise<{ operatorId: string; state: 'offline' }> {
    await this.inScope(supervisor, operatorId);
    const current = await this.operators.get(operatorId);
    if (current.state === 'busy') {
      throw new DomainError('conflict', 'The operator is with a contact: log them out after it');
    }
    await this.presence.logOut(operatorId);
    const after = await this.operators.get(operatorId);
    if (after.state !== 'offline') {
      throw new DomainError('conflict', `The operator became ${after.state} meanwhile`);
    }
    await this.notifier.emit(operatorId, 'operator.logged_out', {
      reason: 'supervisor',
      by: supervisor.username,
    });
    await this.record(supervisor, 'operator.logout', `operator:${operatorId}`);
    return { operatorId, state: 'offline' };
  }

  async recordBroadcast(supervisor: Supervisor, broadcastId: string, text: string): Promise<void> {
    await this.record(supervisor, 'operator.broadcast', `broadcast:${broadcastId}`, { length: text.length });
  }

  private async handBackOffer(operatorId: string): Promise<void> {
    const state = await this.operators.get(operatorId);
    if (state.state !== 'reserved' || !state.offerId) return;
    const offer = await this.offers.get(state.offerId);
    if (offer) await this.offerService.handBack(offer, 'operator_offline');
  }

  private async inScope(supervisor: Supervisor, operatorId: string): Promise<OperatorRecord> {
    const target = await this.operatorRecords.findById(operatorId);
    if (!target) throw new DomainError('not_found', `Operator ${operatorId} does not exist`);
    const teams = await this.scope(supervisor);
    if (teams && !(target.team && teams.has(target.team))) {
      throw new DomainError('forbidden', `${target.displayName} is not in a team you supervise`);
    }
    return target;
  }

  private async waiting(
    contactId: string,
  ): Promise<{ contact: { problemType: string | null }; job: Job<WaitingContact> }> {
    const contact = await this.contacts.findById(contactId);
    if (!contact) throw new DomainError('not_found', `Contact ${contactId} does not exist`);
    const job =
      contact.state === 'queued' && contact.problemType
        ? ((await this.queues.waitingLine(contact.problemType).getJob(contactId)) as
            Job<WaitingContact> | undefined)
        : undefined;
    const state = await job?.getState();
    if (!job || (state !== 'waiting' && state !== 'prioritized')) {
      throw new DomainError('conflict', `The contact is not waiting (it is ${contact.state})`);
    }
    return { contact, job };
  }

  private placement(
    contactId: string,
    queue: string,
    data: WaitingContact,
    position: number | null,
  ): WaitingPlacementPayload {
    return { contactId, queue, enqueuedAt: data.enqueuedAt, priority: data.priority ?? 0, position };
  }

  private async record(
    supervisor: Supervisor,
    action: string,
    target: string,
    details?: Record<string, unknown>,
  ): Promise<void> {
    await this.audit.record({ actor: supervisor, action, target, details });
    this.logger.log({ by: supervisor.username, action, target }, 'Supervisor action');
  }
}
