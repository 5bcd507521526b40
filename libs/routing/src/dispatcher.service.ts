import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { Job, Worker } from 'bullmq';
import { AppConfig, FrontOfficeConfig } from '@centralino/config';
import { ContactStateMachine } from '@centralino/contacts';
import { MetricsService } from '@centralino/observability';
import { ContactRepository, DatabaseService, OperatorRecord } from '@centralino/persistence';
import { QueueRegistry, WaitingContact } from '@centralino/queueing';
import { toOfferPayload } from './contact-view';
import { DispatchSignal } from './dispatch-signal.service';
import { RoundEntry, RoundHeads } from './domain/round-heads';
import { decidedByWindow, queueUrgency, rankOperators, WaitingHead } from './domain/select-operator';
import { CapacityChannel, capacityChannel, RoutableOperator } from './domain/operator-state';
import { OperatorDirectory } from './operator-directory.service';
import { OperatorNotifier } from './operator-notifier';
import { Offer, OfferStore } from './store/offer.store';
import { OperatorStateStore } from './store/operator-state.store';
import { RoutingStatsStore } from './store/routing-stats.store';
import { WaitingLineService } from './waiting-line.service';

/** An operator reserved for a contact, with the id of the offer they will get. */
interface Reservation {
  operator: RoutableOperator;
  offerId: string;
}

/** Safety net: a dispatch round runs at least this often even without signals. */
const SWEEP_INTERVAL_MS = 1000;
/** How far into each waiting line a round looks at least, to find the first call and the first chat. */
const HEAD_SCAN = 25;
/** At most this many contacts of one queue are offered in one round (then the snapshot is read again). */
export const MAX_HEADS_PER_QUEUE = 50;

/**
 * Matches waiting contacts with available operators (worker role). Several dispatchers may run against
 * the same Redis: an operator is reserved by an atomic compare-and-set and a contact is taken with
 * BullMQ's atomic getNextJob, so neither can be given twice. The job stays locked while it is offered;
 * if this process dies, BullMQ's stalled check returns it to the waiting line and the offer's durable
 * expiry timer frees the operator.
 */
@Injectable()
export class DispatcherService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(DispatcherService.name);
  private readonly workers = new Map<string, Worker<WaitingContact>>();
  private readonly token = randomUUID();
  private running = false;
  private again = false;
  private stopped = false;
  private sweep: NodeJS.Timeout | null = null;

  constructor(
    private readonly queues: QueueRegistry,
    private readonly operators: OperatorStateStore,
    private readonly directory: OperatorDirectory,
    private readonly offers: OfferStore,
    private readonly contacts: ContactRepository,
    private readonly waitingLine: WaitingLineService,
    private readonly notifier: OperatorNotifier,
    private readonly signal: DispatchSignal,
    private readonly frontOffice: FrontOfficeConfig,
    private readonly metrics: MetricsService,
    private readonly stats: RoutingStatsStore,
    private readonly database: DatabaseService,
    private readonly config: AppConfig,
  ) {}

  /** For the readiness probe: started, not stopped, one BullMQ worker per queue. */
  isRunning(): boolean {
    return !this.stopped && this.sweep !== null && this.workers.size === this.queues.queueIds.length;
  }

  async onApplicationBootstrap(): Promise<void> {
    const offerTimeoutMs = this.frontOffice.data.routing.offerTimeoutSeconds * 1000;
    for (const queue of this.queues.queueIds) {
      const worker = new Worker<WaitingContact>(QueueRegistry.waitingLineName(queue), null, {
        ...this.queues.workerOptions(),
        autorun: false,
        // The lock outlives the offer, so only a dead dispatcher's jobs are seen as stalled.
        lockDuration: offerTimeoutMs + 15_000,
        stalledInterval: 5_000,
        // A waiting contact must never be failed for stalling: it just goes back to the line.
        maxStalledCount: Number.MAX_SAFE_INTEGER,
      });
      await worker.startStalledCheckTimer();
      this.workers.set(queue, worker);
    }
    await this.signal.listen(() => this.kick());
    this.sweep = setInterval(() => this.kick(), SWEEP_INTERVAL_MS);
    this.kick();
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopped = true;
    if (this.sweep) clearInterval(this.sweep);
    while (this.running) await new Promise((resolve) => setTimeout(resolve, 10));
    await Promise.all([...this.workers.values()].map((worker) => worker.close(true)));
  }

  /** Runs a dispatch round now, or right after the current one. */
  kick(): void {
    if (this.stopped) return;
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = true;
    void (async () => {
      try {
        do {
          this.again = false;
          // Its own database connections: a flood of intake must not hold the offers back.
          while (!this.stopped && (await this.database.routingLane(() => this.round())) > 0) {
            /* keep matching while progress is made */
          }
        } while (this.again && !this.stopped);
      } catch (error) {
        this.logger.error({ err: (error as Error).message }, 'Dispatch round failed');
      } finally {
        this.running = false;
      }
    })();
  }

  /**
   * One pass over the queues (docs/routing.md, "The dispatcher and its rules"): the operator snapshot is
   * read once, then up to MAX_HEADS_PER_QUEUE heads per queue are served, always the most urgent current
   * head across queues first. Returns how many offers it made.
   */
  async round(): Promise<number> {
    const startedAt = Date.now();
    // The pool sizes and only the DISPATCH_IDLE_WINDOW longest idle operators, in one round trip: with an
    // idle-ordered strategy the best one for a head is almost always among them, so a round costs about
    // the same with 20 or 2,000 available. Chat loads only when a chat waits.
    const snapshot = await this.operators.availableSnapshot(this.config.env.DISPATCH_IDLE_WINDOW);
    if (snapshot.available === 0 && snapshot.chatReady === 0) return 0;
    const profiles = new Map<string, OperatorRecord>();
    const loadProfiles = async (ids: string[]) => {
      for (const profile of await this.directory.profiles(ids.filter((id) => !profiles.has(id))))
        profiles.set(profile.id, profile);
    };
    const toRoutable = (profile: OperatorRecord, idleSince: number, chats = 0): RoutableOperator => ({
      id: profile.id,
      skills: profile.skills,
      languages: profile.languages,
      idleSince,
      chats,
    });
    // The voice pool: the voice slot is the state machine (available). It starts as the longest idle
    // window; `wholeVoicePool` says whether that is every available operator.
    const voicePoolOf = async (idle: Map<string, number>): Promise<RoutableOperator[]> => {
      await loadProfiles([...idle.keys()]);
      const pool: RoutableOperator[] = [];
      for (const [id, idleSince] of idle) {
        const profile = profiles.get(id);
        if (profile && profile.voiceCapacity > 0) pool.push(toRoutable(profile, idleSince));
      }
      return pool;
    };
    let voicePool = await voicePoolOf(snapshot.longestIdle);
    let wholeVoicePool = snapshot.longestIdle.size >= snapshot.available;
    let poolRead: 'whole' | 'window' | 'fallback' = wholeVoicePool ? 'whole' : 'window';
    // Chat slots are counted per operator, read when a chat is waiting.
    const capacity = new Map<string, number>();
    // No more heads than could be offered, but deep enough to find a chat behind calls (or the reverse).
    const window = Math.min(
      MAX_HEADS_PER_QUEUE,
      Math.max(HEAD_SCAN, snapshot.available + snapshot.chatReady),
    );

    const now = Date.now();
    const windows = new Map(
      await Promise.all(
        this.queues.queueIds.map(async (queue) => {
          const jobs = await this.queues.peekWaiting(queue, window);
          const type = this.frontOffice.problemType(queue)!;
          const skill = this.frontOffice.skillFor(queue);
          const entries = jobs.map((job): RoundEntry<WaitingHead> => {
            const head: WaitingHead = {
              contactId: job.data.contactId,
              queue,
              skill,
              language: job.data.language,
              enqueuedAt: job.data.enqueuedAt,
              targetOperatorId: job.data.targetOperatorId,
              channel: capacityChannel(job.data.channel),
            };
            return {
              item: head,
              channel: head.channel!,
              urgency: queueUrgency(head, now, type.serviceLevel.targetSeconds, type.priority),
            };
          });
          return [queue, entries] as const;
        }),
      ),
    );
    let chatPool: RoutableOperator[] = [];
    const chatWaiting = [...windows.values()].some((entries) => entries.some((e) => e.channel === 'chat'));
    if (chatWaiting && snapshot.chatReady > 0) {
      const chatReady = await this.operators.chatSnapshot();
      await loadProfiles([...chatReady.keys()]);
      for (const [id, { chats, idleSince }] of chatReady) {
        const profile = profiles.get(id);
        if (!profile) continue;
        capacity.set(id, profile.chatCapacity);
        if (chats < profile.chatCapacity) chatPool.push(toRoutable(profile, idleSince, chats));
      }
    }
    const plan = new RoundHeads(windows);
    // Who declined each head that this round may serve, in one round trip instead of one per head: at
    // most as many heads per queue as there are operators who could take one.
    const servable = snapshot.available + snapshot.chatReady;
    const declinedOf = await this.offers.declinedMany(
      [...windows.values()].flatMap((entries) =>
        entries.slice(0, servable).map((entry) => entry.item.contactId),
      ),
    );

    const offering: Promise<boolean>[] = [];
    let handledToday: Map<string, number> | undefined;
    // Round-robin reads its rotation once per queue and round, and follows its own offers locally.
    const rotations = new Map<string, Map<string, number>>();
    for (
      let pick = plan.next((channel) => (channel === 'chat' ? chatPool : voicePool).length > 0);
      pick;
      pick = plan.next((channel) => (channel === 'chat' ? chatPool : voicePool).length > 0)
    ) {
      const head = pick.entry.item;
      const voice = head.channel !== 'chat';
      const pool = voice ? voicePool : chatPool;
      const strategy = this.frontOffice.problemType(head.queue)?.strategy ?? 'longest-idle';
      if (strategy === 'fewest-today') handledToday ??= await this.stats.handledToday();
      let rotation = rotations.get(head.queue);
      if (strategy === 'round-robin' && !rotation) {
        rotation = await this.stats.lastOffered(head.queue);
        rotations.set(head.queue, rotation);
      }
      const declined = declinedOf.get(head.contactId) ?? (await this.offers.declined(head.contactId));
      const inputs = { strategy, handledToday, lastOfferedAt: rotation };
      let ranked = rankOperators(head, pool, declined, inputs);
      const channel: CapacityChannel = voice ? 'voice' : 'chat';
      let reserved: Reservation[];
      if (!voice) {
        reserved =
          strategy === 'ring-all'
            ? await this.reserveRing(ranked, declined, head.contactId, capacity)
            : await this.reserveChatFirst(ranked, head.contactId, capacity);
      } else {
        // From the longest idle window, only the operators it decides for certain (decidedByWindow);
        // if none of them can be reserved, the whole pool is read once for the rest of the round.
        reserved = await this.reserveFirst(
          wholeVoicePool ? ranked : ranked.slice(0, decidedByWindow(head, ranked, declined, strategy)),
        );
        if (reserved.length === 0 && !wholeVoicePool) {
          voicePool = await voicePoolOf((await this.operators.availableSnapshot()).longestIdle);
          wholeVoicePool = true;
          poolRead = 'fallback';
          ranked = rankOperators(head, voicePool, declined, inputs);
          reserved = await this.reserveFirst(ranked);
        }
      }
      if (reserved.length === 0) {
        // Nobody can take this head: the ones behind it in this channel wait with it (oldest first).
        plan.block(head.queue, pick.entry.channel);
        continue;
      }
      for (const { operator } of reserved) {
        if (voice) {
          voicePool = voicePool.filter((candidate) => candidate.id !== operator.id);
        } else {
          const chats = (operator.chats ?? 0) + 1;
          chatPool = chatPool
            .map((candidate) => (candidate.id === operator.id ? { ...candidate, chats } : candidate))
            .filter((candidate) => (candidate.chats ?? 0) < (capacity.get(candidate.id) ?? 0));
        }
      }
      const release = () =>
        Promise.all(
          reserved.map(({ operator, offerId }) =>
            this.releaseFor(channel, operator.id, head.contactId, offerId),
          ),
        );
      const job = await this.takeHead(
        { queue: head.queue, contactId: head.contactId, promote: pick.promote },
        release,
      );
      if (job) {
        plan.served(pick);
        for (const { operator } of reserved) rotation?.set(operator.id, Date.now());
        // Taking the contact is in line order; the rest of the offer (its database row, the expiry, the
        // push) runs alongside the next ones, so a round is not one database round trip per offer.
        offering.push(this.offerTaken(head.queue, job, channel, reserved, release, startedAt));
      } else {
        // The line is not what this round saw (taken, ended, moved by another dispatcher): the next round
        // reads it again.
        plan.block(head.queue);
      }
    }
    this.metrics.dispatchPoolRead(poolRead);
    return (await Promise.all(offering)).filter(Boolean).length;
  }

  /**
   * Reserves the first operator still available, with the offer's id at once (one script, not two): if
   * this process dies before the offer is saved, the reconciler frees an operator whose offer is missing.
   */
  private async reserveFirst(ranked: RoutableOperator[]): Promise<Reservation[]> {
    const offerId = randomUUID();
    for (const operator of ranked) {
      if (await this.operators.transition(operator.id, ['available'], 'reserved', { offerId }))
        return [{ operator, offerId }];
    }
    return [];
  }

  private async reserveChatFirst(
    ranked: RoutableOperator[],
    contactId: string,
    capacity: ReadonlyMap<string, number>,
  ): Promise<Reservation[]> {
    const offerId = randomUUID();
    for (const operator of ranked) {
      if (await this.operators.reserveChat(operator.id, contactId, capacity.get(operator.id) ?? 0, offerId))
        return [{ operator, offerId }];
    }
    return [];
  }

  /**
   * Ring-all (chats): a chat slot of every eligible operator, each with an offer of its own. Those who just
   * declined this contact are left out, unless nobody else can take it (as in rankOperators).
   */
  private async reserveRing(
    ranked: RoutableOperator[],
    declined: ReadonlySet<string>,
    contactId: string,
    capacity: ReadonlyMap<string, number>,
  ): Promise<Reservation[]> {
    const fresh = ranked.filter((operator) => !declined.has(operator.id));
    const ring = fresh.length > 0 ? fresh : ranked;
    const reserved = await Promise.all(
      ring.map(async (operator): Promise<Reservation | null> => {
        const offerId: string = randomUUID();
        const won = await this.operators.reserveChat(
          operator.id,
          contactId,
          capacity.get(operator.id) ?? 0,
          offerId,
        );
        return won ? { operator, offerId } : null;
      }),
    );
    return reserved.filter((reservation): reservation is Reservation => reservation !== null);
  }

  private releaseFor(
    channel: CapacityChannel,
    operatorId: string,
    contactId: string,
    offerId: string,
  ): Promise<unknown> {
    return channel === 'voice'
      ? this.release(operatorId)
      : this.operators.releaseOfferedChat(operatorId, contactId, offerId);
  }

  /**
   * Takes the waiting contact of `queue` (BullMQ's atomic getNextJob) for the reserved operators; null,
   * with them released, when the line is not as the round saw it.
   */
  private async takeHead(
    wanted: { queue: string; contactId: string; promote: boolean },
    release: () => Promise<unknown>,
  ): Promise<Job<WaitingContact> | null> {
    const { queue } = wanted;
    // A chat behind a call (or the reverse) is made the next job first; BullMQ only takes the next one.
    if (wanted.promote && !(await this.queues.promoteWaiting(queue, wanted.contactId))) {
      await release();
      return null;
    }
    const worker = this.workers.get(queue)!;
    const job = (await worker.getNextJob(this.token, { block: false })) as Job<WaitingContact> | undefined;
    if (!job) {
      await release();
      return null;
    }
    if (job.id !== wanted.contactId) {
      // Another dispatcher moved the line meanwhile: this job goes back to the head, untouched.
      await release();
      await this.waitingLine.putBack(queue, job.id!, this.token);
      return null;
    }
    return job;
  }

  /**
   * Offers a taken contact to the reserved operator (or, ring-all, to each of them at once); false (job
   * and operators handed back) if it moved on.
   */
  private async offerTaken(
    queue: string,
    job: Job<WaitingContact>,
    channel: CapacityChannel,
    reserved: Reservation[],
    release: () => Promise<unknown>,
    roundStartedAt: number,
  ): Promise<boolean> {
    // Several offers of one contact form a ring: the first accept wins, the others are withdrawn.
    const ringId = reserved.length > 1 ? randomUUID() : undefined;
    const operatorIds = reserved.map(({ operator }) => operator.id);
    const contact = await this.contacts.transition(
      job.data.contactId,
      ['queued'],
      'offered',
      // A ring's contact has no operator until one accepts.
      { operatorId: ringId ? null : operatorIds[0]! },
      ringId
        ? { ringId, offerIds: reserved.map(({ offerId }) => offerId), operatorIds, queue }
        : { offerId: reserved[0]!.offerId, operatorId: operatorIds[0]!, queue },
    );
    if (!contact) {
      await release();
      const current = await this.contacts.findById(job.data.contactId);
      if (
        !current ||
        current.state === 'connected' ||
        current.state === 'messaging' ||
        ContactStateMachine.isFinal(current.state)
      ) {
        // A leftover job for a contact that already ended or is leaving a message: drop it.
        await this.waitingLine.finish(queue, job.id!, this.token, 'stale');
      } else {
        // Still offered elsewhere (e.g. recovered from a dead dispatcher): its offer's expiry returns it.
        await this.waitingLine.putBack(queue, job.id!, this.token);
      }
      return false;
    }
    const now = Date.now();
    const offers = reserved.map(({ operator, offerId }): Offer => ({
      id: offerId,
      contactId: contact.id,
      operatorId: operator.id,
      queue,
      channel,
      jobId: job.id!,
      token: this.token,
      status: 'pending',
      ...(ringId ? { ringId } : {}),
      createdAt: now,
      expiresAt: now + this.frontOffice.data.routing.offerTimeoutSeconds * 1000,
    }));
    if (ringId) await this.offers.saveRing(offers);
    else await this.offers.save(offers[0]!);
    for (const offer of offers) {
      // The push and the round-robin record side by side: one wait, not two, before the offer is out.
      await Promise.all([
        this.notifier.emit(offer.operatorId, 'offer', toOfferPayload(offer, contact, now)),
        this.stats.offered(queue, offer.operatorId, now),
      ]);
      this.logger.log(
        {
          correlationId: contact.id,
          contactId: contact.id,
          jobId: job.id,
          operatorId: offer.operatorId,
          queue,
          offerId: offer.id,
          channel,
          ...(ringId ? { ringId } : {}),
        },
        'Offered',
      );
    }
    // Routing latency: from the contact's enqueue, or from this round if it had to wait for an operator.
    this.metrics.offerMade(queue, Math.max(job.data.enqueuedAt, roundStartedAt));
    return true;
  }

  private async release(operatorId: string): Promise<void> {
    await this.operators.transition(operatorId, ['reserved'], 'available', { offerId: null });
  }
}
