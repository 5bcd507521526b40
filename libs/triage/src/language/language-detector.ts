import { TextNormalizer } from '../classifier/text-normalizer';
import { EldLoader, type Eld } from './eld-loader';
import { LANGUAGE_LEXICON } from './language-lexicon';

export interface DetectedLanguage {
  /** ISO 639-1 code among the configured languages, or null when the text has nothing to go on. */
  language: string | null;
  /** 0..1: the share of the evidence for that language among the candidates. */
  confidence: number;
}

/**
 * A language's lexicon bonus is this weight times the share of the words that are in its lexicon.
 * The n-gram scores lie roughly in 0.3..0.8 and mean little for one or two words, where the lexicon
 * decides; on longer text it only tips close calls.
 */
const LEXICON_WEIGHT_SHORT = 1;
const LEXICON_WEIGHT_LONG = 0.25;
const SHORT_TOKENS = 2;
/** Sharpness of the softmax that turns scores into a confidence. */
const SHARPNESS = 12;
const MAX_CHARS = 1000;

/**
 * Language identification for short utterances, restricted to the languages a site is configured
 * for: the `eld` n-gram detector's scores over those languages, nudged by a small lexicon of very
 * frequent words so that greetings of one or two words come out right. The best language outside
 * the configured set takes part in the confidence (as a competitor), not in the answer.
 */
export class LanguageDetector {
  readonly languages: string[];
  private readonly eld: Eld;
  private readonly normalizer = new TextNormalizer(MAX_CHARS);
  private readonly lexicon = new Map<string, string[]>();

  constructor(languages: string[]) {
    this.languages = [
      ...new Set(languages.map((l) => l.trim().toLowerCase().split(/[-_]/)[0]).filter(Boolean)),
    ];
    if (this.languages.length === 0) throw new Error('LanguageDetector needs at least one language');
    this.eld = EldLoader.load();
    for (const language of this.languages) {
      for (const word of LANGUAGE_LEXICON[language] ?? []) {
        const owners = this.lexicon.get(word) ?? [];
        if (!owners.includes(language)) owners.push(language);
        this.lexicon.set(word, owners);
      }
    }
  }

  detect(text: string): DetectedLanguage {
    const tokens = this.normalizer.tokens(text);
    if (!tokens.some((t) => TextNormalizer.hasLetters(t))) return { language: null, confidence: 0 };
    if (this.languages.length === 1) return { language: this.languages[0], confidence: 1 };

    let raw: Record<string, number> = {};
    try {
      raw = this.eld.detect(String(text).slice(0, MAX_CHARS)).getScores();
    } catch {
      raw = {};
    }
    const scores = new Map<string, number>(this.languages.map((l) => [l, raw[l] ?? 0]));
    const weight =
      (tokens.length <= SHORT_TOKENS ? LEXICON_WEIGHT_SHORT : LEXICON_WEIGHT_LONG) / tokens.length;
    for (const token of tokens) {
      for (const language of this.lexicon.get(token) ?? [])
        scores.set(language, (scores.get(language) ?? 0) + weight);
    }

    let best: string | null = null;
    let bestScore = 0;
    for (const [language, score] of scores) {
      if (score > bestScore) {
        best = language;
        bestScore = score;
      }
    }
    if (best === null) return { language: null, confidence: 0 };
    let outsider = 0;
    for (const [language, score] of Object.entries(raw)) {
      if (!scores.has(language) && score > outsider) outsider = score;
    }
    let sum = 0;
    for (const score of scores.values()) sum += Math.exp(SHARPNESS * (score - bestScore));
    if (outsider > 0) sum += Math.exp(SHARPNESS * (outsider - bestScore));
    return { language: best, confidence: 1 / sum };
  }
}
