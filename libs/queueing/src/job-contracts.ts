import { z } from 'zod';

/**
 * The one source of truth for background jobs: name -> payload schema. Every timer job has exactly one
 * handler (the registry refuses to boot otherwise) and every payload is validated before it is handled.
 */
export const TIMER_JOBS = {
  /**
   * An offer was not answered in time. Scheduled only by versions before OfferExpiryService (offers now
   * expire from a sorted set); still handled so that offers pending across an upgrade expire.
   */
  'offer.expire': z.object({ offerId: z.string().min(1) }),
  /** The operator's wrap-up time is over: make them available again. */
  'operator.wrap-up-end': z.object({ operatorId: z.uuid(), contactId: z.uuid() }),
  /** A console disconnected: if it has not come back, log the operator out and hand back their offer. */
  'operator.presence-check': z.object({ operatorId: z.uuid() }),
  /** A named transfer was not taken in time: the contact falls back to any operator of its queue. */
  'contact.transfer-fallback': z.object({ contactId: z.uuid(), queue: z.string().min(1) }),
  /** A chat customer's last widget disconnected: if they have not come back, they have left. */
  'chat.customer-gone': z.object({ conversationId: z.uuid() }),
  /**
   * A contact leaving a message (the voice flow, or the chat widget's form) went silent for good: keep
   * what they said, else end the contact abandoned.
   */
  'voice-message.expire': z.object({ contactId: z.uuid() }),
  /**
   * A contact entered `queue` `maxWaitSeconds` ago: if it is still waiting there, the queue's `overflow`
   * applies (libs/routing queue-rules.service.ts). Ignored once it was offered, moved or ended.
   */
  'queue.max-wait': z.object({ contactId: z.uuid(), queue: z.string().min(1) }),
  /** A callback not reached waited its retry delay: back into its queue at its original place. */
  'callback.retry': z.object({ contactId: z.uuid() }),
  /**
   * An outbound callback attempt that never reported an outcome (or could not be placed: `failed`):
   * counted as not reached, unless the attempt moved on meanwhile.
   */
  'callback.attempt-timeout': z.object({
    contactId: z.uuid(),
    attempt: z.number().int().positive(),
    status: z.enum(['no_status', 'failed']).default('no_status'),
  }),
} as const;

export type TimerJobName = keyof typeof TIMER_JOBS;
export type TimerJobPayload<N extends TimerJobName> = z.infer<(typeof TIMER_JOBS)[N]>;

/** A waiting contact: one job in its problem type's queue, taken by the dispatcher when it is offered. */
export const waitingContactSchema = z.object({
  contactId: z.uuid(),
  queue: z.string().min(1),
  /** The original enqueue time (ms); kept through re-offers and transfers. */
  enqueuedAt: z.number().int().positive(),
  language: z.string().nullable(),
  /** The contact's channel: a call and a chat take different operator capacity (absent: voice). */
  channel: z.enum(['voice', 'chat', 'sms']).optional(),
  /**
   * Set by a transfer to a named operator: only they are offered it, until the transfer falls back to
   * the queue (they reject or miss it, or are not free in time; docs/routing.md).
   */
  targetOperatorId: z.uuid().optional(),
  /** A supervisor's priority within the queue (0 or absent = none): higher first, then FIFO by age. */
  priority: z.number().int().min(0).optional(),
});

export type WaitingContact = z.infer<typeof waitingContactSchema>;

/** The queue of deliveries: separate from `timers`, so a slow receiver never delays an offer's timeout. */
export const DELIVERIES_QUEUE = 'deliveries';

/**
 * Deliveries of department messages to the departments' own tools (libs/back-office): name -> payload.
 * Every job has exactly one handler (the registry refuses to boot otherwise); BullMQ retries a failed
 * attempt with exponential backoff, and the last failure is recorded as a dead letter.
 */
export const DELIVERY_JOBS = {
  /** POST the message to the department's signed webhook. */
  'message.webhook': z.object({ deliveryId: z.uuid() }),
  /** E-mail the message to the department's addresses over SMTP. */
  'message.email': z.object({ deliveryId: z.uuid() }),
} as const;

export type DeliveryJobName = keyof typeof DELIVERY_JOBS;

/** The privacy queue: the retention sweep, repeated by a BullMQ job scheduler (libs/privacy). */
export const PRIVACY_QUEUE = 'privacy';

export const PRIVACY_JOBS = {
  /** Erase the personal data of contacts older than PRIVACY_RETENTION_DAYS. */
  'privacy.retention-sweep': z.object({}),
} as const;

export type PrivacyJobName = keyof typeof PRIVACY_JOBS;
export type DeliveryJobPayload<N extends DeliveryJobName> = z.infer<(typeof DELIVERY_JOBS)[N]>;
