import { ContactState } from './contact-state';

export type Channel = 'voice' | 'chat' | 'sms';

/** A contact as the domain sees it: one call or chat from its first webhook to its final state. */
export interface Contact {
  id: string;
  channel: Channel;
  provider: string;
  /** The provider's own id for the call or conversation (Twilio CallSid, generic callId, ...). */
  externalId: string;
  /**
   * Which of the provider's accounts the contact came in on (Twilio AccountSid, Vonage application id,
   * Telnyx account, generic gateway key id; `default` for the single-account variables): every REST call
   * back to the provider about it uses that account. Null for contacts from before it was stored (the
   * default account) and for channels without accounts (chat).
   */
  providerAccount: string | null;
  fromAddress: string;
  toAddress: string;
  state: ContactState;
  problemType: string | null;
  language: string | null;
  triage: TriageSummary | null;
  operatorId: string | null;
  receivedAt: Date;
  queuedAt: Date | null;
  connectedAt: Date | null;
  endedAt: Date | null;
  /** Set when the customer asked to be called back (docs/routing.md, "Callbacks"); null otherwise. */
  callback: CallbackRequest | null;
}

/** A requested callback: the number to call and how many outbound attempts were made so far. */
export interface CallbackRequest {
  /** E.164 number to call (the caller id, or the number a chat customer gave). */
  number: string;
  /** ISO time of the request. */
  requestedAt: string;
  /** Where it was asked for: the wait loop of a call, or the chat widget's button. */
  via: 'voice' | 'chat';
  /** Outbound calls placed so far (an operator accepted its offer this many times). */
  attempts: number;
}

/** What triage decided and why, kept with the contact so operators see "why this queue". */
export interface TriageSummary {
  source: 'digits' | 'text' | 'fallback';
  confidence: number;
  reasons: string[];
  utterance?: string;
  digits?: string;
  alternatives?: { problemType: string; confidence: number }[];
  /** queue, or directory: the caller asked for `directoryTarget` (queued to reception meanwhile). */
  decision?: 'queue' | 'directory';
  directoryTarget?: {
    id: string;
    name: string;
    kind: 'person' | 'department';
    phone?: string;
    score: number;
  };
  /** The classifier's best guess when the contact went to reception unsure. */
  bestGuess?: { problemType: string; confidence: number };
  /** Clarifying questions asked before this decision. */
  clarifications?: number;
}

export interface ContactEvent {
  contactId: string;
  /** A state entered, or a logged step that changes no state (`clarifying`: a question was asked). */
  type: ContactState | 'note' | 'clarifying';
  at: Date;
  data: Record<string, unknown>;
}
