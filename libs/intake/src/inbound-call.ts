import { Channel } from '@centralino/contacts';

/** A provider-neutral inbound contact, as each provider adapter hands it to intake. */
export interface InboundContact {
  provider: string;
  /** Idempotency key of the delivery (event id, or call id + status for providers without one). */
  eventKey: string;
  externalId: string;
  channel: Channel;
  from: string;
  to: string;
  language?: string;
  digits?: string;
  text?: string;
}

/** Intake's answer: the provider adapter renders it in the provider's own format. */
export interface IntakeResult {
  contactId: string;
  state: string;
  queue: string | null;
  language: string | null;
  position: number | null;
  /** Seconds, with a range; null when nobody who can take the queue is logged in. */
  estimatedWait: { low: number; expected: number; high: number } | null;
  duplicate: boolean;
}
