/** What triage decided for one utterance or key press. */
export interface TriageDecision {
  problemType: string;
  language: string | null;
  confidence: number;
  source: 'digits' | 'text' | 'fallback';
  /** Human-readable grounds shown to operators as "why this queue". */
  reasons: string[];
  alternatives: { problemType: string; confidence: number }[];
}

export interface TriageInput {
  text?: string;
  digits?: string;
  /** Language the provider or the caller's settings already suggest. */
  languageHint?: string;
}
