import { TextNormalizer } from '../classifier/text-normalizer';
import { ASK_PHRASES, IGNORED_WORDS } from './ask-phrases';
import type { DirectoryEntry, DirectoryMatch } from './directory-entry';
import { StringSimilarity } from './string-similarity';

export interface DirectoryMatcherOptions {
  /** Matches scoring below this are not reported (0..1). */
  minScore: number;
}

interface Candidate {
  entry: DirectoryEntry;
  tokens: string[];
  /** How much a full match of this form identifies the entry (full name 1, surname alone less). */
  weight: number;
}

/** Weight of a form that is only part of a person's name. */
const SURNAME_WEIGHT = 0.85;
const FIRST_NAME_WEIGHT = 0.65;
/** Score factor when the utterance holds no "put me through to" phrase. */
const NO_ASK_FACTOR = 0.5;
const AMBIGUITY_FACTOR = 0.8;

/**
 * Finds which person or department of the directory a caller asks for ("vorrei parlare con
 * l'amministrazione", "accounting, please", "puedo hablar con Maria Rossi", "passami il signor
 * Bianchi"), tolerating accents, inflected endings and small typos. A name mentioned in passing
 * ("the invoice accounting sent me is wrong") scores low unless the caller asks to be put through.
 */
export class DirectoryMatcher {
  readonly options: DirectoryMatcherOptions;
  private readonly normalizer = new TextNormalizer(500);
  private readonly candidates: Candidate[] = [];
  private readonly phrases: Map<string, string[]>;

  constructor(entries: DirectoryEntry[], options: Partial<DirectoryMatcherOptions> = {}) {
    this.options = { minScore: 0.6, ...options };
    for (const entry of entries ?? []) {
      if (!entry || typeof entry.name !== 'string') continue;
      const forms = [entry.name, ...(Array.isArray(entry.aliases) ? entry.aliases : [])];
      for (const form of forms) {
        const tokens = this.content(this.normalizer.tokens(form));
        if (tokens.length === 0) continue;
        this.candidates.push({ entry, tokens, weight: 1 });
        if (entry.kind === 'person' && tokens.length >= 2) {
          this.candidates.push({ entry, tokens: tokens.slice(1), weight: SURNAME_WEIGHT });
          this.candidates.push({ entry, tokens: tokens.slice(0, 1), weight: FIRST_NAME_WEIGHT });
        }
      }
    }
    this.phrases = new Map(
      Object.entries(ASK_PHRASES).map(([language, list]) => [language, list.map((p) => ` ${p} `)]),
    );
  }

  match(text: string, language?: string): DirectoryMatch | null {
    const tokens = this.normalizer.tokens(text);
    if (tokens.length === 0 || this.candidates.length === 0) return null;
    const asks = this.asksForSomeone(` ${tokens.join(' ')} `, language);
    const content = this.content(tokens);
    if (content.length === 0) return null;

    const best = new Map<string, number>();
    for (const candidate of this.candidates) {
      const { quality, used } = this.align(candidate.tokens, content);
      if (quality === 0) continue;
      let score = quality * candidate.weight;
      if (!asks) {
        // Without "put me through", the name must be (nearly) all the caller said.
        const coverage = used / content.length;
        score *= NO_ASK_FACTOR + (1 - NO_ASK_FACTOR) * coverage ** 2;
      }
      const id = candidate.entry.id;
      if (score > (best.get(id) ?? 0)) best.set(id, score);
    }
    const ranked = [...best.entries()].sort((a, b) => b[1] - a[1]);
    if (ranked.length === 0) return null;
    const id = ranked[0][0];
    let score = ranked[0][1];
    if (ranked.length > 1 && ranked[1][1] >= score - 0.02) score *= AMBIGUITY_FACTOR;
    if (score < this.options.minScore) return null;
    const entry = this.candidates.find((c) => c.entry.id === id)?.entry;
    return entry ? { entry, score: Math.min(1, score) } : null;
  }

  /** True when the utterance holds a "put me through to" phrase (of `language`, or of any language). */
  private asksForSomeone(padded: string, language?: string): boolean {
    const lists =
      language && this.phrases.has(language)
        ? [this.phrases.get(language) ?? []]
        : [...this.phrases.values()];
    return lists.some((list) => list.some((phrase) => padded.includes(phrase)));
  }

  private content(tokens: string[]): string[] {
    return tokens.filter((t) => !IGNORED_WORDS.has(t) && TextNormalizer.hasLetters(t));
  }

  /**
   * Matches the form's words, in order and contiguously, against the utterance; returns the mean
   * word similarity of the best placement (0 if any word is missing) and how many words it used.
   */
  private align(form: string[], content: string[]): { quality: number; used: number } {
    let quality = 0;
    for (let start = 0; start + form.length <= content.length; start++) {
      let sum = 0;
      for (let i = 0; i < form.length; i++) {
        const similarity = StringSimilarity.words(form[i], content[start + i]);
        if (similarity === 0) {
          sum = 0;
          break;
        }
        sum += similarity;
      }
      quality = Math.max(quality, sum / form.length);
    }
    // A compound written as one word ("risorseumane") or split differently still counts.
    if (quality === 0 && form.length > 1) {
      const joined = form.join('');
      for (const word of content) quality = Math.max(quality, StringSimilarity.words(joined, word));
    }
    return { quality, used: quality > 0 ? form.length : 0 };
  }
}
