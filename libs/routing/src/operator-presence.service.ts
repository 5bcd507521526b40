import { Injectable, OnModuleInit } from '@nestjs/common';
import { FrontOfficeConfig } from '@centralino/config';
import { DomainError } from '@centralino/contacts';
import { QueueRegistry, TimerHandlerRegistry } from '@centralino/queueing';
import type { OperatorStatePayload } from '@centralino/realtime/operator-events.contract';
import { DispatchSignal } from './dispatch-signal.service';
import { OfferService } from './offer.service';
import { OperatorNotifier } from './operator-notifier';
import { OperatorStateStore } from './store/operator-state.store';

/** Operator states driven by the console: available/away, connect/disconnect, presence. */
@Injectable()
export class OperatorPresenceService implements OnModuleInit {
  constructor(
    private readonly operators: OperatorStateStore,
    private readonly offerService: OfferService,
    private readonly queues: QueueRegistry,
    private readonly timers: TimerHandlerRegistry,
    private readonly notifier: OperatorNotifier,
    private readonly signal: DispatchSignal,
    private readonly frontOffice: FrontOfficeConfig,
  ) {}

  onModuleInit(): void {
    this.timers.register('operator.presence-check', async ({ operatorId }) => {
      if ((await this.operators.connections(operatorId)) > 0) return;
      await this.logOut(operatorId);
    });
  }

  async state(operatorId: string): Promise<OperatorStatePayload> {
    const state = await this.operators.get(operatorId);
    return { state: state.state, since: state.since, reason: state.reason };
  }

  async live(operatorId: string) {
    return this.operators.get(operatorId);
  }

  async setState(
    operatorId: string,
    state: 'available' | 'away',
    reason?: string,
  ): Promise<OperatorStatePayload> {
    const changed =
      state === 'available'
        ? // From wrap-up too: an operator who is done early says so instead of waiting for the timer.
          await this.operators.transition(
            operatorId,
            ['offline', 'away', 'available', 'wrap_up'],
            'available',
            {
              idleSince: Date.now(),
              reason: null,
              missed: 0,
            },
          )
        : await this.operators.transition(operatorId, ['offline', 'available', 'away', 'wrap_up'], 'away', {
            reason: reason ?? 'away',
          });
    if (!changed) {
      const current = await this.operators.get(operatorId);
      throw new DomainError('conflict', `Cannot become ${state} while ${current.state}`, {
        state: current.state,
      });
    }
    const payload = await this.state(operatorId);
    await this.notifier.emit(operatorId, 'operator.state', payload);
    if (state === 'available') await this.signal.notify();
    return payload;
  }

  async consoleConnected(operatorId: string): Promise<void> {
    await this.operators.connectionOpened(operatorId);
    await this.queues.cancel(`presence-check.${operatorId}`);
    // A fresh login starts "away: not ready" so nobody is offered a contact before they choose to be.
    await this.operators.transition(operatorId, ['offline'], 'away', { reason: 'not_ready' });
  }

  async consoleDisconnected(operatorId: string): Promise<void> {
    const remaining = await this.operators.connectionClosed(operatorId);
    if (remaining > 0) return;
    await this.queues.schedule(
      'operator.presence-check',
      { operatorId },
      {
        delayMs: this.frontOffice.data.routing.reconnectGraceSeconds * 1000,
        jobId: `presence-check.${operatorId}`,
      },
    );
  }

  /** Logs an operator out; a pending offer goes back to the queue for someone else. */
  async logOut(operatorId: string): Promise<void> {
    // Every offer on their screen (a call's, the chats') goes back to its queue; chats held stay theirs.
    for (const offer of await this.offerService.pendingOf(operatorId)) {
      await this.offerService.handBack(offer, 'operator_offline');
    }
    await this.operators.transition(operatorId, ['available', 'reserved', 'away', 'wrap_up'], 'offline', {
      offerId: null,
      reason: null,
    });
  }
}
