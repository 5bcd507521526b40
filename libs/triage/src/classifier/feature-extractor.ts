import type { SparseVector } from './sparse-vector';

export interface FeatureOptions {
  /** Word n-grams from 1 to this (0 turns word features off). */
  wordNgramMax: number;
  /** Character n-grams inside word boundaries (each word padded with a space on both sides). */
  charNgramMin: number;
  charNgramMax: number;
  /**
   * A feature must occur in at least this many training texts; 0 means automatic: 2 from
   * 2,000 texts up (a rare n-gram there is mostly noise and memory), otherwise 1.
   */
  minDf: number;
  /** Weight of the word block and of the character block; each block is L2-normalised first. */
  wordWeight: number;
  charWeight: number;
  /** Also add a truncated "stem" (first N characters) of each longer word; 0 turns it off. */
  stemLength: number;
  /** Also pair each word with the words up to this many positions ahead, skipping those between (0: off). */
  skipWindow: number;
}

export const DEFAULT_FEATURE_OPTIONS: FeatureOptions = {
  wordNgramMax: 3,
  charNgramMin: 2,
  charNgramMax: 5,
  minDf: 0,
  wordWeight: 1,
  charWeight: 1,
  stemLength: 0,
  skipWindow: 10,
};

/** Prefixes that keep the feature families apart (normalised text holds only letters, digits, spaces). */
const WORD = '=';
const STEM = '^';
const CHAR = '~';
/** Distinct words whose character n-gram features are kept ready. */
const CHAR_CACHE_SIZE = 50_000;

export interface SerializedFeatures {
  options: FeatureOptions;
  terms: string[];
  idf: number[];
}

/**
 * TF-IDF over word n-grams and character n-grams within word boundaries, with sublinear term
 * frequency, smoothed idf and per-block L2 normalisation, over a vocabulary learnt from the
 * training texts. Input is already normalised tokens (see TextNormalizer).
 */
export class FeatureExtractor {
  private readonly vocabulary = new Map<string, number>();
  private readonly isChar: Uint8Array;
  // Scratch space for transform(): slot of each feature in the current vector, -1 when absent.
  private readonly slot: Int32Array;
  private readonly charCache = new Map<string, Int32Array>();

  private constructor(
    readonly options: FeatureOptions,
    readonly terms: string[],
    readonly idf: Float64Array,
  ) {
    terms.forEach((term, index) => this.vocabulary.set(term, index));
    this.isChar = Uint8Array.from(terms, (term) => (term.startsWith(CHAR) ? 1 : 0));
    this.slot = new Int32Array(terms.length).fill(-1);
  }

  get size(): number {
    return this.terms.length;
  }

  static fit(documents: string[][], partial: Partial<FeatureOptions> = {}): FeatureExtractor {
    const options = { ...DEFAULT_FEATURE_OPTIONS, ...partial };
    const df = new Map<string, number>();
    const lastDoc = new Map<string, number>();
    documents.forEach((tokens, doc) => {
      FeatureExtractor.eachTerm(tokens, options, (term) => {
        if (lastDoc.get(term) === doc) return;
        lastDoc.set(term, doc);
        df.set(term, (df.get(term) ?? 0) + 1);
      });
    });
    const terms: string[] = [];
    const idf: number[] = [];
    const n = documents.length;
    const minDf = options.minDf > 0 ? options.minDf : n >= 2000 ? 2 : 1;
    for (const [term, count] of df) {
      if (count < minDf) continue;
      terms.push(term);
      idf.push(Math.log((1 + n) / (1 + count)) + 1);
    }
    return new FeatureExtractor(options, terms, Float64Array.from(idf));
  }

  static fromJSON(json: SerializedFeatures): FeatureExtractor {
    if (!Array.isArray(json.terms) || !Array.isArray(json.idf) || json.terms.length !== json.idf.length) {
      throw new Error('invalid feature vocabulary in model file');
    }
    return new FeatureExtractor(
      { ...DEFAULT_FEATURE_OPTIONS, ...json.options },
      json.terms,
      Float64Array.from(json.idf),
    );
  }

  toJSON(): SerializedFeatures {
    return { options: this.options, terms: this.terms, idf: Array.from(this.idf, (v) => Math.fround(v)) };
  }

  /** Sparse TF-IDF vector of a tokenised text; unknown terms are dropped. */
  transform(tokens: string[]): SparseVector {
    const touched: number[] = [];
    const counts: number[] = [];
    const add = (index: number): void => {
      const at = this.slot[index];
      if (at >= 0) {
        counts[at]++;
      } else {
        this.slot[index] = touched.length;
        touched.push(index);
        counts.push(1);
      }
    };
    FeatureExtractor.eachWordTerm(tokens, this.options, (term) => {
      const index = this.vocabulary.get(term);
      if (index !== undefined) add(index);
    });
    for (const token of tokens) {
      for (const index of this.charFeatures(token)) add(index);
    }
    const indices = Int32Array.from(touched);
    const values = new Float64Array(indices.length);
    let normWord = 0;
    let normChar = 0;
    for (let i = 0; i < indices.length; i++) {
      const index = indices[i];
      const value = (1 + Math.log(counts[this.slot[index]])) * this.idf[index];
      values[i] = value;
      if (this.isChar[index]) normChar += value * value;
      else normWord += value * value;
    }
    for (const index of touched) this.slot[index] = -1;
    const scaleWord = normWord > 0 ? this.options.wordWeight / Math.sqrt(normWord) : 0;
    const scaleChar = normChar > 0 ? this.options.charWeight / Math.sqrt(normChar) : 0;
    for (let i = 0; i < indices.length; i++) values[i] *= this.isChar[indices[i]] ? scaleChar : scaleWord;
    return { indices, values };
  }

  /** Known character n-gram features of one word (with repeats), cached: words recur a lot. */
  private charFeatures(token: string): Int32Array {
    const cached = this.charCache.get(token);
    if (cached) return cached;
    const found: number[] = [];
    FeatureExtractor.eachCharTerm(token, this.options, (term) => {
      const index = this.vocabulary.get(term);
      if (index !== undefined) found.push(index);
    });
    const result = Int32Array.from(found);
    if (this.charCache.size >= CHAR_CACHE_SIZE) this.charCache.clear();
    if (token.length <= 40) this.charCache.set(token, result);
    return result;
  }

  /** A short human-readable form of a feature, for "why this queue" displays. */
  describe(index: number): string {
    const term = this.terms[index] ?? '';
    if (term.startsWith(CHAR)) return `"${term.slice(1).trim()}"`;
    if (term.startsWith(STEM)) return `${term.slice(1)}*`;
    return term.slice(1);
  }

  private static eachTerm(tokens: string[], options: FeatureOptions, emit: (term: string) => void): void {
    FeatureExtractor.eachWordTerm(tokens, options, emit);
    for (const token of tokens) FeatureExtractor.eachCharTerm(token, options, emit);
  }

  private static eachWordTerm(tokens: string[], options: FeatureOptions, emit: (term: string) => void): void {
    const { wordNgramMax, stemLength, skipWindow } = options;
    for (let i = 0; i < tokens.length; i++) {
      const token = tokens[i];
      if (wordNgramMax >= 1) {
        emit(WORD + token);
        let gram = token;
        for (let n = 2; n <= wordNgramMax && i + n - 1 < tokens.length; n++) {
          gram += ' ' + tokens[i + n - 1];
          emit(WORD + gram);
        }
      }
      for (let gap = 2; gap <= skipWindow && i + gap < tokens.length; gap++)
        emit(WORD + token + ' _ ' + tokens[i + gap]);
      if (stemLength > 0 && token.length > stemLength) emit(STEM + token.slice(0, stemLength));
    }
  }

  private static eachCharTerm(token: string, options: FeatureOptions, emit: (term: string) => void): void {
    const { charNgramMin, charNgramMax } = options;
    if (charNgramMin < 1 || charNgramMax < charNgramMin) return;
    const padded = ' ' + token + ' ';
    for (let n = charNgramMin; n <= charNgramMax; n++) {
      for (let start = 0; start + n <= padded.length; start++) emit(CHAR + padded.slice(start, start + n));
    }
  }
}
