/**
 * What to do with the contact: put it in `problemType`'s queue, ask the caller one clarifying question,
 * or (a person or department asked for by name) hand it to reception with the directory entry attached.
 */
export type TriageDecisionKind = 'queue' | 'clarify' | 'directory';

export interface ScoredProblemType {
  problemType: string;
  confidence: number;
}

/** The directory entry a caller asked for, recorded so an operator sees whom to transfer to. */
export interface DirectoryTarget {
  id: string;
  name: string;
  kind: 'person' | 'department';
  phone?: string;
  /** 0..1: how sure the directory matcher is. */
  score: number;
}

/** A clarifying question in the caller's language, with the closest problem types as options. */
export interface ClarifyQuestion {
  prompt: string;
  language: string;
  options: { problemType: string; label: string }[];
}

/** What triage decided for one utterance or key press. */
export interface TriageDecision {
  kind: TriageDecisionKind;
  /**
   * The queue: the recognised problem type, or the reception queue (directory requests, unclear requests
   * after the last clarifying question). For `clarify`, the queue the contact would go to now.
   */
  problemType: string;
  /** The provider's hint when given, else the detected language (null: nothing to go on). */
  language: string | null;
  /** Calibrated confidence of the classifier (1 for a key press, the match score for a directory entry). */
  confidence: number;
  source: 'digits' | 'text' | 'fallback';
  /** Human-readable grounds shown to operators as "why this queue" (the classifier's top features...). */
  reasons: string[];
  alternatives: ScoredProblemType[];
  /** The classifier's best guess when the contact goes to reception or a question is asked. */
  bestGuess?: ScoredProblemType;
  /** Set when `kind` is `directory`. */
  directoryTarget?: DirectoryTarget;
  /** Set when `kind` is `clarify`. */
  clarify?: ClarifyQuestion;
}

export interface TriageInput {
  text?: string;
  digits?: string;
  /** Language the provider or the caller's settings already suggest; it wins over detection. */
  languageHint?: string;
  /** What the caller said before, on this contact (answers to earlier clarifying questions). */
  earlierText?: string[];
  /** Clarifying questions already asked on this contact. */
  clarificationsAsked?: number;
  /**
   * Whether the channel can ask the caller a clarifying question. Without it an unclear request goes
   * straight to the reception queue with the best guess attached.
   */
  canClarify?: boolean;
}
