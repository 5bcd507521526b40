import { Injectable } from '@nestjs/common';
import { FrontOfficeConfig } from '@centralino/config';
import { OperatorRecord, OperatorRepository } from '@centralino/persistence';
import { QueueRegistry } from '@centralino/queueing';
import {
  DEFAULT_HANDLE_SECONDS,
  estimateWait,
  HandleTimeStore,
  OperatorStateStore,
  QueueRulesService,
} from '@centralino/routing';
import { TodayStatsService } from './today-stats.service';
import { WAITING_CONTACTS_SHOWN } from './operator-events.contract';
import type {
  OperatorStateCounts,
  QueueTodayPayload,
  QueueStatsPayload,
  SupervisedOperatorPayload,
  SupervisorServerEvents,
} from './operator-events.contract';

const PROFILE_TTL_MS = 10_000;

function emptyCounts(): OperatorStateCounts {
  return { available: 0, reserved: 0, busy: 0, wrap_up: 0, away: 0, offline: 0 };
}

/**
 * The supervisors' live read model: per queue the waiting and offered counts and the head's wait (from
 * BullMQ), and the online operators by state (from Redis) with their profiles (from the database, cached
 * briefly). Cheap enough to compute once a second per instance whatever the traffic.
 */
@Injectable()
export class QueueStatsService {
  private profiles = new Map<string, { record: OperatorRecord; loadedAt: number }>();

  constructor(
    private readonly queues: QueueRegistry,
    private readonly states: OperatorStateStore,
    private readonly operators: OperatorRepository,
    private readonly frontOffice: FrontOfficeConfig,
    private readonly today: TodayStatsService,
    private readonly handleTimes: HandleTimeStore,
    private readonly rules: QueueRulesService,
  ) {}

  async snapshot(now = Date.now()): Promise<SupervisorServerEvents['queues.snapshot']> {
    const [today, operators] = await Promise.all([this.today.byQueue(now), this.onlineOperators(now)]);
    const queueStats = await Promise.all(
      this.queues.queueIds.map((queue) => this.queueStats(queue, now, today.get(queue)!)),
    );
    for (const queue of queueStats) {
      const skill = this.frontOffice.skillFor(queue.id);
      for (const operator of operators) {
        if (operator.skills.includes(skill) && operator.state in queue.operators) {
          queue.operators[operator.state as keyof OperatorStateCounts] += 1;
        }
      }
      queue.estimatedWaitSeconds = await this.estimatedWaitForNewcomer(queue);
    }
    return { at: now, queues: queueStats, operators };
  }

  /**
   * What a contact joining the queue now would be told (the same estimate callers hear): behind everyone
   * waiting, served by the operators with the queue's skill who are working (not away). Null when nobody
   * who can take the queue is working.
   */
  private async estimatedWaitForNewcomer(queue: QueueStatsPayload): Promise<number | null> {
    const { available, reserved, busy, wrap_up } = queue.operators;
    const estimate = estimateWait({
      position: queue.waiting + 1,
      staffed: available + reserved + busy + wrap_up,
      handleTimes: await this.handleTimes.recent(queue.id),
      defaultHandleSeconds: DEFAULT_HANDLE_SECONDS,
    });
    return estimate?.expected ?? null;
  }

  private async queueStats(queue: string, now: number, today: QueueTodayPayload): Promise<QueueStatsPayload> {
    const line = this.queues.waitingLine(queue);
    const [counts, waitingJobs] = await Promise.all([
      line.getJobCounts('wait', 'prioritized', 'active'),
      this.queues.peekWaiting(queue, WAITING_CONTACTS_SHOWN),
    ]);
    const head = waitingJobs[0];
    const type = this.frontOffice.problemType(queue);
    const oldest = head?.data.enqueuedAt ?? null;
    const open = this.rules.isOpen(queue, now);
    return {
      id: queue,
      name: type?.name.en ?? Object.values(type?.name ?? {})[0] ?? queue,
      waiting: (counts.wait ?? 0) + (counts.prioritized ?? 0),
      open,
      nextOpening: open ? null : (this.rules.nextOpening(queue, now)?.getTime() ?? null),
      offered: counts.active ?? 0,
      oldestEnqueuedAt: oldest,
      longestWaitSeconds: oldest ? Math.max(0, Math.round((now - oldest) / 1000)) : 0,
      estimatedWaitSeconds: null,
      operators: emptyCounts(),
      today,
      waitingContacts: waitingJobs.map((job) => ({
        contactId: job.data.contactId,
        enqueuedAt: job.data.enqueuedAt,
        waitedSeconds: Math.max(0, Math.round((now - job.data.enqueuedAt) / 1000)),
        language: job.data.language,
        priority: job.data.priority ?? 0,
      })),
    };
  }

  private async onlineOperators(now: number): Promise<SupervisedOperatorPayload[]> {
    const ids = await this.states.onlineIds();
    const [states, profiles] = await Promise.all([this.states.getMany(ids), this.profilesOf(ids, now)]);
    return ids
      .map((id, index) => {
        const profile = profiles.get(id);
        const state = states[index]!;
        return {
          id,
          username: profile?.username ?? '',
          displayName: profile?.displayName ?? profile?.username ?? id,
          team: profile?.team ?? null,
          state: state.state,
          since: state.since,
          ...(state.reason ? { reason: state.reason } : {}),
          skills: Object.keys(profile?.skills ?? {}),
        };
      })
      .filter((operator) => operator.state !== 'offline')
      .sort((a, b) => a.displayName.localeCompare(b.displayName));
  }

  private async profilesOf(ids: string[], now: number): Promise<Map<string, OperatorRecord>> {
    const missing = ids.filter((id) => {
      const hit = this.profiles.get(id);
      return !hit || now - hit.loadedAt > PROFILE_TTL_MS;
    });
    if (missing.length > 0) {
      for (const record of await this.operators.findByIds(missing)) {
        this.profiles.set(record.id, { record, loadedAt: now });
      }
    }
    const result = new Map<string, OperatorRecord>();
    for (const id of ids) {
      const hit = this.profiles.get(id);
      if (hit) result.set(id, hit.record);
    }
    return result;
  }
}
