import { ContactState } from './contact-state';

export type Channel = 'voice' | 'chat' | 'sms';

/** A contact as the domain sees it: one call or chat from its first webhook to its final state. */
export interface Contact {
  id: string;
  channel: Channel;
  provider: string;
  /** The provider's own id for the call or conversation (Twilio CallSid, generic callId, ...). */
  externalId: string;
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
