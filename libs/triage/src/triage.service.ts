import { Injectable, Logger } from '@nestjs/common';
import { FrontOfficeConfig, ProblemTypeConfig } from '@centralino/config';
import { DomainError } from '@centralino/contacts';
import { TextClassifier, TextNormalizer, type Classification, type LabelledText } from './classifier';
import { DirectoryMatcher, type DirectoryEntry } from './directory';
import { LanguageDetector } from './language';
import { SMALL_TALK } from './small-talk';
import { ClarifyQuestion, ScoredProblemType, TriageDecision, TriageInput } from './triage-decision';

/** Longest utterance triage looks at; the rest of a 100 kB paste is ignored. */
const MAX_TEXT = 2000;
const MAX_OPTIONS = 3;

/** Used when the front-office file has no `prompts.clarify` in the caller's language. */
const DEFAULT_CLARIFY: Readonly<Record<string, string>> = {
  it: 'Può dirmi qualcosa in più su ciò di cui ha bisogno? Per esempio: {options}.',
  en: 'Could you tell me a bit more about what you need? For example: {options}.',
  es: '¿Puede decirme un poco más sobre lo que necesita? Por ejemplo: {options}.',
  ro: 'Îmi puteți spune mai multe despre ce aveți nevoie? De exemplu: {options}.',
};

interface TextVerdict {
  /** Null: nothing to go on (no letters, no known n-gram, only a greeting, or no model). */
  classification: Classification | null;
  why: string;
}

function round(value: number): number {
  return Math.round(value * 100) / 100;
}

/**
 * Turns what a caller pressed or said into a decision. An IVR digit of the menu wins outright; a person
 * or department of the directory asked for by name goes to reception with the entry attached; otherwise a
 * TF-IDF + linear SVM classifier, trained at start-up from the problem types' examples and keywords,
 * picks the problem type. Below `triage.confidenceThreshold` the caller is asked a clarifying question
 * (at most `triage.maxClarifications` times), then the contact goes to the reception queue with the
 * best guess attached: never a dead end, never an exception on odd input.
 */
/** Everything triage learnt from one front-office file: swapped as a whole on a reload. */
interface TriageModel {
  frontOffice: FrontOfficeConfig;
  classifier: TextClassifier | null;
  detector: LanguageDetector;
  directory: DirectoryMatcher;
  keywords: { problemType: string; keyword: string }[];
  examples: number;
}

/** What a retrain reports (logged, and the admin endpoint's answer). */
export interface RetrainResult {
  examples: number;
  problemTypes: number;
  features: number;
  ms: number;
}

@Injectable()
export class TriageService {
  private readonly logger = new Logger(TriageService.name);
  private readonly normalizer = new TextNormalizer(MAX_TEXT);
  private model: TriageModel;
  private retraining: Promise<RetrainResult> | null = null;
  /** Milliseconds spent training the classifier and loading the language detector at start-up. */
  readonly startupMs: number;

  constructor(frontOffice: FrontOfficeConfig) {
    const started = performance.now();
    const examples = TriageService.trainingExamples(frontOffice.problemTypes);
    this.model = this.build(
      frontOffice,
      examples.length > 0 ? TextClassifier.train(examples) : null,
      examples,
    );
    this.startupMs = Math.round(performance.now() - started);
    this.logger.log(
      {
        examples: examples.length,
        problemTypes: this.model.classifier?.labels.length ?? 0,
        features: this.model.classifier?.featureCount ?? 0,
        ms: this.startupMs,
      },
      'Triage classifier trained',
    );
  }

  /**
   * Retrains from another version of the front-office file (a reload) and swaps it in at once when
   * done. Training pauses between classes, so webhooks keep being answered with the current model
   * meanwhile. The problem types must be the same ones (their queues exist from start-up); a second
   * call while one runs shares its result.
   */
  retrain(next: FrontOfficeConfig): Promise<RetrainResult> {
    this.retraining ??= this.retrainNow(next).finally(() => (this.retraining = null));
    return this.retraining;
  }

  private async retrainNow(next: FrontOfficeConfig): Promise<RetrainResult> {
    const running = [...this.model.frontOffice.queueIds].sort().join(',');
    const wanted = [...next.queueIds].sort().join(',');
    if (running !== wanted) {
      throw new DomainError(
        'validation_failed',
        `problemTypes changed (${running} -> ${wanted}): adding or removing a problem type needs a restart`,
      );
    }
    const started = performance.now();
    const examples = TriageService.trainingExamples(next.problemTypes);
    const classifier = examples.length > 0 ? await TextClassifier.trainAsync(examples) : null;
    this.model = this.build(next, classifier, examples);
    const result: RetrainResult = {
      examples: examples.length,
      problemTypes: classifier?.labels.length ?? 0,
      features: classifier?.featureCount ?? 0,
      ms: Math.round(performance.now() - started),
    };
    this.logger.log(result, 'Triage classifier retrained');
    return result;
  }

  private build(
    frontOffice: FrontOfficeConfig,
    classifier: TextClassifier | null,
    examples: LabelledText[],
  ): TriageModel {
    return {
      frontOffice,
      classifier,
      detector: new LanguageDetector(frontOffice.data.company.languages),
      directory: new DirectoryMatcher(frontOffice.data.directory as DirectoryEntry[]),
      keywords: frontOffice.problemTypes.flatMap((type) =>
        Object.values(type.keywords)
          .flat()
          .map((keyword) => ({ problemType: type.id, keyword: this.normalizer.normalize(keyword) }))
          .filter((entry) => entry.keyword !== ''),
      ),
      examples: examples.length,
    };
  }

  private get frontOffice(): FrontOfficeConfig {
    return this.model.frontOffice;
  }

  private get classifier(): TextClassifier | null {
    return this.model.classifier;
  }

  private get detector(): LanguageDetector {
    return this.model.detector;
  }

  private get directory(): DirectoryMatcher {
    return this.model.directory;
  }

  private get keywords(): { problemType: string; keyword: string }[] {
    return this.model.keywords;
  }

  /** The examples of every language, plus each keyword as a short example of its problem type. */
  static trainingExamples(types: ProblemTypeConfig[]): LabelledText[] {
    return types.flatMap((type) =>
      [...Object.values(type.examples).flat(), ...Object.values(type.keywords).flat()].map((text) => ({
        text,
        label: type.id,
      })),
    );
  }

  get threshold(): number {
    return this.frontOffice.data.triage.confidenceThreshold;
  }

  get maxClarifications(): number {
    return this.frontOffice.data.triage.maxClarifications;
  }

  classify(input: TriageInput): TriageDecision {
    const text = typeof input.text === 'string' ? input.text.slice(0, MAX_TEXT) : '';
    const earlier = (input.earlierText ?? []).filter((t) => typeof t === 'string' && t.trim() !== '');
    const language = this.language(input.languageHint, [...earlier, text].join('. '));

    const digit = input.digits?.trim().charAt(0);
    if (digit) {
      const type = this.frontOffice.problemTypeByDigit(digit);
      if (type) {
        return {
          kind: 'queue',
          problemType: type.id,
          language,
          confidence: 1,
          source: 'digits',
          reasons: [`pressed ${digit}`],
          alternatives: [],
        };
      }
    }

    if (text.trim() !== '') {
      const match = this.safely(() => this.directory.match(text, language ?? undefined), null);
      if (match) {
        const { entry } = match;
        return {
          kind: 'directory',
          problemType: this.frontOffice.receptionQueue,
          language,
          confidence: round(match.score),
          source: 'text',
          reasons: [`asked for ${entry.name}`],
          alternatives: [],
          directoryTarget: {
            id: entry.id,
            name: entry.name,
            kind: entry.kind,
            ...(typeof entry.phone === 'string' ? { phone: entry.phone } : {}),
            score: round(match.score),
          },
        };
      }
    }

    // The latest answer alone, or together with what the caller said before when that is clearer.
    let verdict = this.read(text);
    if (earlier.length > 0 && !this.confident(verdict)) {
      const combined = this.read(
        [...earlier, text]
          .map((t) => this.withoutGreeting(t))
          .filter((t) => t !== '')
          .join('. ')
          .slice(-MAX_TEXT),
      );
      if ((combined.classification?.confidence ?? -1) > (verdict.classification?.confidence ?? -1))
        verdict = combined;
    }
    const classification = verdict.classification;
    const scored = classification ? this.ranked(classification) : [];
    const alternatives = scored.slice(1);

    if (classification && classification.confidence >= this.threshold) {
      return {
        kind: 'queue',
        problemType: classification.label,
        language,
        confidence: round(classification.confidence),
        source: 'text',
        reasons: classification.features,
        alternatives,
      };
    }

    // An admin's keyword in the text is explicit evidence when the model is unsure.
    const keyword = classification ? this.keywordHit(text) : null;
    if (keyword) {
      return {
        kind: 'queue',
        problemType: keyword.problemType,
        language,
        confidence: round(scored.find((s) => s.problemType === keyword.problemType)?.confidence ?? 0),
        source: 'text',
        reasons: [`keyword "${keyword.keyword}"`, ...classification!.features],
        alternatives: scored.filter((s) => s.problemType !== keyword.problemType),
      };
    }

    const bestGuess = scored[0];
    const unsure = classification
      ? `low confidence: ${bestGuess.problemType} (${bestGuess.confidence.toFixed(2)}) below ${this.threshold}`
      : verdict.why;
    const asked = Math.max(0, input.clarificationsAsked ?? 0);
    if (input.canClarify && asked < this.maxClarifications) {
      return {
        kind: 'clarify',
        problemType: this.frontOffice.receptionQueue,
        language,
        confidence: round(bestGuess?.confidence ?? 0),
        source: 'fallback',
        reasons: [unsure, `clarifying question ${asked + 1} of ${this.maxClarifications}`],
        alternatives,
        ...(bestGuess ? { bestGuess } : {}),
        clarify: this.question(language, scored),
      };
    }
    return {
      kind: 'queue',
      problemType: this.frontOffice.receptionQueue,
      language,
      confidence: round(bestGuess?.confidence ?? 0),
      source: 'fallback',
      reasons: [
        unsure,
        ...(asked > 0 ? [`still unclear after ${asked} clarifying question${asked > 1 ? 's' : ''}`] : []),
        ...(bestGuess ? [`best guess: ${bestGuess.problemType} (${bestGuess.confidence.toFixed(2)})`] : []),
      ],
      alternatives,
      ...(bestGuess ? { bestGuess } : {}),
    };
  }

  /** The clarifying question in `language`, naming the closest problem types. */
  question(language: string | null, scored: ScoredProblemType[] = []): ClarifyQuestion {
    const company = this.frontOffice.data.company;
    const spoken = language ?? company.defaultLanguage;
    const reception = this.frontOffice.receptionQueue;
    let ids = scored.map((s) => s.problemType).filter((id) => id !== reception);
    // Nothing to go on: offer the first problem types of the menu instead.
    if (ids.length === 0) ids = this.frontOffice.queueIds.filter((id) => id !== reception);
    const options = ids.slice(0, MAX_OPTIONS).map((problemType) => ({
      problemType,
      label: this.label(problemType, spoken),
    }));
    const template =
      this.frontOffice.data.prompts.clarify?.[spoken] ??
      DEFAULT_CLARIFY[spoken] ??
      this.frontOffice.prompt('clarify', spoken) ??
      DEFAULT_CLARIFY.en;
    const list = options.map((option) => option.label).join(', ');
    const prompt = template.includes('{options}')
      ? template.replace('{options}', list)
      : `${template} ${list}`.trim();
    return { prompt, language: spoken, options };
  }

  /** A problem type's name in `language`, else in the company's language, else any, else its id. */
  label(problemType: string, language: string): string {
    const names = this.frontOffice.problemType(problemType)?.name ?? {};
    return (
      names[language] ??
      names[this.frontOffice.data.company.defaultLanguage] ??
      Object.values(names)[0] ??
      problemType
    );
  }

  private language(hint: string | undefined, text: string): string | null {
    const code = hint?.trim().toLowerCase().split(/[-_]/)[0];
    if (code && /^[a-z]{2}$/.test(code)) return code;
    if (text.replace(/[.\s]/g, '') === '') return null;
    return this.safely(() => this.detector.detect(text).language, null);
  }

  /** The utterance without the greetings and filler words it starts with ("" when that is all). */
  private withoutGreeting(text: string): string {
    const tokens = this.normalizer.tokens(text);
    const first = tokens.findIndex((t) => !SMALL_TALK.has(t));
    return first < 0 ? '' : tokens.slice(first).join(' ');
  }

  private read(text: string): TextVerdict {
    if (text.trim() === '') return { classification: null, why: 'nothing said or pressed' };
    const tokens = this.normalizer.tokens(text).filter((t) => TextNormalizer.hasLetters(t));
    if (tokens.length === 0) return { classification: null, why: 'no words in what was said' };
    if (tokens.every((t) => SMALL_TALK.has(t)))
      return { classification: null, why: 'only a greeting, no request' };
    if (!this.classifier) return { classification: null, why: 'no triage examples configured' };
    // A greeting in front ("salve, buongiorno, ...") says nothing about the problem but its character
    // n-grams still pull (salve ~ salvo): the classifier reads what follows it.
    const first = tokens.findIndex((t) => !SMALL_TALK.has(t));
    const request = first > 0 ? tokens.slice(first).join(' ') : text;
    const classification = this.safely(() => this.classifier!.classify(request), null);
    if (!classification || classification.empty)
      return { classification: null, why: 'no known words in what was said' };
    return { classification, why: '' };
  }

  private confident(verdict: TextVerdict): boolean {
    return (verdict.classification?.confidence ?? 0) >= this.threshold;
  }

  private ranked(classification: Classification): ScoredProblemType[] {
    return [classification, ...classification.alternatives].map((scored) => ({
      problemType: scored.label,
      confidence: round(scored.confidence),
    }));
  }

  /** The problem type whose keywords the text holds most (ties: none). */
  private keywordHit(text: string): { problemType: string; keyword: string } | null {
    const padded = ` ${this.normalizer.normalize(text)} `;
    const hits = new Map<string, string[]>();
    for (const entry of this.keywords) {
      if (!padded.includes(` ${entry.keyword}`)) continue;
      hits.set(entry.problemType, [...(hits.get(entry.problemType) ?? []), entry.keyword]);
    }
    const ranked = [...hits.entries()].sort((a, b) => b[1].length - a[1].length);
    if (ranked.length === 0 || (ranked.length > 1 && ranked[1][1].length === ranked[0][1].length))
      return null;
    return { problemType: ranked[0][0], keyword: ranked[0][1][0] };
  }

  /** Odd input must never become an exception in the webhook: log it and carry on without. */
  private safely<T>(work: () => T, fallback: T): T {
    try {
      return work();
    } catch (error) {
      this.logger.warn({ err: error }, 'Triage step failed; carrying on without it');
      return fallback;
    }
  }
}
