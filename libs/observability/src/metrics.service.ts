import { Injectable } from '@nestjs/common';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import { ZodError } from 'zod';
import { DomainError } from '@centralino/contacts';

/** How a webhook delivery ended, as counted by `centralino_webhooks_total`. */
export type WebhookOutcome =
  'accepted' | 'duplicate' | 'rejected_signature' | 'invalid' | 'unknown_call' | 'error';

/** How an offer was settled, as counted by `centralino_offers_settled_total`. */
export type OfferOutcome = 'accepted' | 'rejected' | 'expired' | 'operator_offline' | 'withdrawn';

/** A snapshot of one waiting line, read from BullMQ when Prometheus scrapes. */
export interface QueueSnapshot {
  queue: string;
  /** Contacts waiting to be offered. */
  waiting: number;
  /** Contacts on an operator's screen right now (the caller is still waiting). */
  offered: number;
  /** enqueuedAt (ms) of the longest-waiting contact not yet offered, or null when the queue is empty. */
  oldestEnqueuedAt: number | null;
}

export type QueueProbe = () => Promise<QueueSnapshot[]>;

/**
 * The Prometheus registry of the process and every centralino metric. Labels only ever hold bounded,
 * non-personal values (provider names, queue ids, states, outcomes): never phone numbers, ids or secrets.
 */
@Injectable()
export class MetricsService {
  readonly registry = new Registry();
  private queueProbe: QueueProbe | null = null;

  readonly webhooks = new Counter({
    name: 'centralino_webhooks_total',
    help: 'Webhook deliveries by provider and outcome',
    labelNames: ['provider', 'outcome'] as const,
    registers: [this.registry],
  });

  readonly signatureFailures = new Counter({
    name: 'centralino_webhook_signature_failures_total',
    help: 'Webhook deliveries refused because their signature was missing, wrong or stale',
    labelNames: ['provider', 'reason'] as const,
    registers: [this.registry],
  });

  readonly contactTransitions = new Counter({
    name: 'centralino_contact_transitions_total',
    help: 'Contacts entering each state (received, triaged, queued, offered, connected, completed, ...)',
    labelNames: ['state'] as const,
    registers: [this.registry],
  });

  readonly offersMade = new Counter({
    name: 'centralino_offers_total',
    help: 'Offers sent to operators, by queue',
    labelNames: ['queue'] as const,
    registers: [this.registry],
  });

  readonly dispatchPoolReads = new Counter({
    name: 'centralino_dispatch_pool_reads_total',
    help:
      'Dispatch rounds by how they read the available operators: whole (the idle window held all of them), ' +
      'window (the longest idle window decided every head), fallback (the window could not decide, the whole pool was read)',
    labelNames: ['read'] as const,
    registers: [this.registry],
  });

  readonly offersSettled = new Counter({
    name: 'centralino_offers_settled_total',
    help: 'Offers settled, by queue and outcome (accepted, rejected, expired = timeout, operator_offline, withdrawn)',
    labelNames: ['queue', 'outcome'] as const,
    registers: [this.registry],
  });

  readonly routingLatency = new Histogram({
    name: 'centralino_routing_decision_seconds',
    help: 'From a contact queued (or the dispatch round an operator became available for) to its offer being emitted',
    labelNames: ['queue'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300],
    registers: [this.registry],
  });

  readonly socketConnections = new Gauge({
    name: 'centralino_socket_connections',
    help: 'Open socket.io connections on this process, by namespace',
    labelNames: ['namespace'] as const,
    registers: [this.registry],
  });

  readonly rateLimited = new Counter({
    name: 'centralino_http_rate_limited_total',
    help: 'HTTP requests refused with 429, by route class',
    labelNames: ['route_class'] as const,
    registers: [this.registry],
  });

  readonly databaseStatements = new Counter({
    name: 'centralino_database_statements_total',
    help:
      'SQL statements this process sent to its database (each a round trip: a transaction counts its ' +
      'BEGIN and COMMIT too); divided by webhooks, what a webhook costs the database',
    registers: [this.registry],
  });

  constructor() {
    collectDefaultMetrics({ register: this.registry });
    const snapshots = async (): Promise<QueueSnapshot[]> => (this.queueProbe ? this.queueProbe() : []);
    let pending: Promise<QueueSnapshot[]> | null = null;
    // Both queue gauges are filled from one probe per scrape.
    const once = () => {
      pending ??= snapshots().finally(() => setTimeout(() => (pending = null), 0));
      return pending;
    };
    new Gauge({
      name: 'centralino_queue_length',
      help: 'Contacts in each waiting line: waiting to be offered, or on an operator screen (offered)',
      labelNames: ['queue', 'status'] as const,
      registers: [this.registry],
      async collect() {
        this.reset();
        for (const snapshot of await once()) {
          this.set({ queue: snapshot.queue, status: 'waiting' }, snapshot.waiting);
          this.set({ queue: snapshot.queue, status: 'offered' }, snapshot.offered);
        }
      },
    });
    new Gauge({
      name: 'centralino_queue_oldest_wait_seconds',
      help: 'How long the longest-waiting contact not yet offered has waited, per queue (0 when empty)',
      labelNames: ['queue'] as const,
      registers: [this.registry],
      async collect() {
        this.reset();
        const now = Date.now();
        for (const snapshot of await once()) {
          const oldest = snapshot.oldestEnqueuedAt;
          this.set({ queue: snapshot.queue }, oldest ? Math.max(0, (now - oldest) / 1000) : 0);
        }
      },
    });
  }

  /** Where the queue gauges read their values on each scrape (the queueing library registers it). */
  setQueueProbe(probe: QueueProbe): void {
    this.queueProbe = probe;
  }

  /**
   * Runs a webhook handler and counts its outcome: `duplicate` when the result says so, and refused
   * deliveries by the error they threw. Errors are rethrown unchanged.
   */
  async trackWebhook<T>(provider: string, work: () => Promise<T>): Promise<T> {
    try {
      const result = await work();
      const duplicate = (result as { duplicate?: unknown } | null)?.duplicate === true;
      this.webhooks.inc({ provider, outcome: duplicate ? 'duplicate' : 'accepted' });
      return result;
    } catch (error) {
      this.webhookFailed(provider, error);
      throw error;
    }
  }

  /** Counts a refused webhook delivery by its error. */
  webhookFailed(provider: string, error: unknown): void {
    let outcome: WebhookOutcome = 'error';
    if (error instanceof ZodError) outcome = 'invalid';
    else if (error instanceof DomainError) {
      if (error.code.startsWith('signature_')) {
        outcome = 'rejected_signature';
        this.signatureFailures.inc({ provider, reason: error.code.slice('signature_'.length) });
      } else if (error.code === 'validation_failed') outcome = 'invalid';
      else if (error.code === 'unknown_call') outcome = 'unknown_call';
    }
    this.webhooks.inc({ provider, outcome });
  }

  contactEntered(state: string): void {
    this.contactTransitions.inc({ state });
  }

  /** An offer was emitted; `sinceMs` is when the routing decision started (see routingLatency). */
  offerMade(queue: string, sinceMs: number): void {
    this.offersMade.inc({ queue });
    this.routingLatency.observe({ queue }, Math.max(0, Date.now() - sinceMs) / 1000);
  }

  /** A dispatch round that found operators read them this way (DISPATCH_IDLE_WINDOW, docs/routing.md). */
  dispatchPoolRead(read: 'whole' | 'window' | 'fallback'): void {
    this.dispatchPoolReads.inc({ read });
  }

  offerSettled(queue: string, outcome: OfferOutcome): void {
    this.offersSettled.inc({ queue, outcome });
  }

  socketOpened(namespace: string): void {
    this.socketConnections.inc({ namespace });
  }

  socketClosed(namespace: string): void {
    this.socketConnections.dec({ namespace });
  }

  async render(): Promise<string> {
    return this.registry.metrics();
  }

  get contentType(): string {
    return this.registry.contentType;
  }
}
