import { Channel, Contact } from '@centralino/contacts';
import type { ClarifyQuestion, DirectoryTarget } from '@centralino/triage';

/** A provider-neutral inbound contact, as each provider adapter hands it to intake. */
export interface InboundContact {
  provider: string;
  /** Idempotency key of the delivery (event id, or call id + status for providers without one). */
  eventKey: string;
  externalId: string;
  /** The provider account the verified webhook came from (stored on a new contact). */
  providerAccount?: string;
  channel: Channel;
  from: string;
  to: string;
  language?: string;
  digits?: string;
  text?: string;
  /**
   * The adapter can put one more question to the caller (it renders `IntakeResult.clarify` as a new
   * gather or a bot message). Without it an unclear request goes to the reception queue at once.
   */
  canClarify?: boolean;
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
  /**
   * Triage is unsure: ask the caller this (in `language`) and send the answer as a new event for the
   * same call (same externalId, new event key). The contact stays `received` meanwhile, not queued.
   */
  clarify?: ClarifyQuestion;
  /** The caller asked for this person or department (queued to reception meanwhile). */
  directoryTarget?: DirectoryTarget;
}

/** How the adapter that hands intake an inbound contact wants a contact it turns out to be about handled. */
export interface ReceiveOptions {
  /**
   * Called with the contact an event turns out to be about already (a retried delivery's, or a known
   * call's), before anything about it is changed or reported; throws to refuse the event (another
   * account's call: AccountOwnership). A contact the event creates is its own and is not checked: the
   * account check of a first event costs no read of its own.
   */
  knownContact?: (contact: Contact) => void;
}

/** What `input` is given: more of what the caller said or pressed, for a call intake knows. */
export type InboundInput = Pick<
  InboundContact,
  'provider' | 'eventKey' | 'externalId' | 'language' | 'digits' | 'text' | 'canClarify'
>;

export interface InputOptions {
  /** The call's contact as the adapter just read it (its account check): not read again. */
  known?: Contact | null;
}
