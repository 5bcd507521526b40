import { FeatureExtractor, type FeatureOptions, type SerializedFeatures } from './feature-extractor';
import {
  LinearSvmTrainer,
  runToEnd,
  runYielding,
  type LinearModel,
  type SvmOptions,
} from './linear-svm-trainer';
import { SeededRandom } from './seeded-random';
import { SparseMatrix } from './sparse-matrix';
import type { SparseVector } from './sparse-vector';
import { TemperatureCalibrator } from './temperature-calibrator';
import { MAX_INPUT_CHARS, TextNormalizer } from './text-normalizer';

export interface LabelledText {
  text: string;
  label: string;
}

export interface ScoredLabel {
  label: string;
  confidence: number;
}

export interface Classification extends ScoredLabel {
  /** The runners-up (up to 3), best first, excluding the winning label. */
  alternatives: ScoredLabel[];
  /** The n-grams of the text that pushed hardest towards the winning label. */
  features: string[];
  /**
   * True when the text gave the model nothing to go on (no letters, or no known n-gram): the label
   * is then only the most common class, confidence is 0, and the caller should route to a person.
   */
  empty: boolean;
}

export interface TrainOptions {
  features?: Partial<FeatureOptions>;
  svm?: Partial<SvmOptions>;
  /**
   * Share of the examples (stratified) held out to fit the softmax temperature before the final
   * model is trained on everything; 0 skips it and uses a default temperature.
   */
  calibrationHoldout?: number;
  seed?: number;
  maxInputChars?: number;
  /** How many n-grams classify() reports in `features`. */
  explainFeatures?: number;
}

const FORMAT = 'centralino-triage-model';
const VERSION = 1;

export interface SerializedModel {
  format: typeof FORMAT;
  version: number;
  labels: string[];
  prior: number;
  maxInputChars: number;
  explainFeatures: number;
  temperature: number;
  features: SerializedFeatures;
  intercepts: number[];
  /** Float32 little-endian weights, feature-major, base64. */
  weights: string;
}

/**
 * Intent/problem-type classifier: TF-IDF over word and character n-grams, a one-vs-rest linear SVM,
 * and temperature-scaled softmax confidences. Trained in-process from labelled examples.
 */
export class TextClassifier {
  private readonly normalizer: TextNormalizer;

  private constructor(
    readonly labels: string[],
    private readonly extractor: FeatureExtractor,
    private readonly model: LinearModel,
    private readonly calibrator: TemperatureCalibrator,
    /** Index of the most common training label, reported for empty input. */
    private readonly prior: number,
    readonly maxInputChars: number,
    private readonly explainFeatures: number,
  ) {
    this.normalizer = new TextNormalizer(maxInputChars);
  }

  get temperature(): number {
    return this.calibrator.temperature;
  }

  get featureCount(): number {
    return this.extractor.size;
  }

  /** Approximate memory held by the model: weights, idf and vocabulary strings. */
  get modelBytes(): number {
    let chars = 0;
    for (const term of this.extractor.terms) chars += term.length;
    return this.model.weights.byteLength + this.extractor.size * (8 + 8 + 40) + chars * 2;
  }

  static train(examples: LabelledText[], options: TrainOptions = {}): TextClassifier {
    return runToEnd(TextClassifier.trainSteps(examples, options));
  }

  /** Trains without holding the event loop for more than one class's solve at a time (reloads). */
  static trainAsync(examples: LabelledText[], options: TrainOptions = {}): Promise<TextClassifier> {
    return runYielding(TextClassifier.trainSteps(examples, options));
  }

  private static *trainSteps(
    examples: LabelledText[],
    options: TrainOptions,
  ): Generator<void, TextClassifier> {
    const maxInputChars = options.maxInputChars ?? MAX_INPUT_CHARS;
    const normalizer = new TextNormalizer(maxInputChars);
    const clean = examples.filter(
      (e) => e && typeof e.label === 'string' && e.label.trim() !== '' && typeof e.text === 'string',
    );
    if (clean.length === 0) throw new Error('cannot train a classifier without labelled examples');
    const labels = [...new Set(clean.map((e) => e.label.trim()))].sort();
    const labelIndex = new Map(labels.map((label, i) => [label, i]));
    const documents = clean.map((e) => normalizer.tokens(e.text));
    const targets = Int32Array.from(clean, (e) => labelIndex.get(e.label.trim()) ?? 0);
    const counts = new Array<number>(labels.length).fill(0);
    for (const t of targets) counts[t]++;
    const prior = counts.indexOf(Math.max(...counts));
    const seed = options.seed ?? 1;
    const svmOptions = { seed, ...options.svm };

    let calibrator = new TemperatureCalibrator(TemperatureCalibrator.DEFAULT_TEMPERATURE);
    const holdout = options.calibrationHoldout ?? 0.15;
    if (holdout > 0 && labels.length > 1) {
      const { fit, held } = TextClassifier.stratifiedSplit(targets, holdout, seed);
      if (held.length > 0 && fit.length > 0) {
        const part = yield* TextClassifier.fitParts(
          fit.map((i) => documents[i]),
          Int32Array.from(fit, (i) => targets[i]),
          labels.length,
          options.features,
          svmOptions,
        );
        const scores = held.map((i) =>
          TextClassifier.scores(part.model, part.extractor.transform(documents[i])),
        );
        calibrator = TemperatureCalibrator.fit(
          scores,
          held.map((i) => targets[i]),
        );
      }
    }
    const { extractor, model } = yield* TextClassifier.fitParts(
      documents,
      targets,
      labels.length,
      options.features,
      svmOptions,
    );
    return new TextClassifier(
      labels,
      extractor,
      model,
      calibrator,
      prior,
      maxInputChars,
      options.explainFeatures ?? 5,
    );
  }

  classify(text: string): Classification {
    const tokens = this.normalizer.tokens(text);
    const hasLetters = tokens.some((t) => TextNormalizer.hasLetters(t));
    const vector = hasLetters
      ? this.extractor.transform(tokens)
      : { indices: new Int32Array(0), values: new Float64Array(0) };
    if (vector.indices.length === 0) {
      return { label: this.labels[this.prior], confidence: 0, alternatives: [], features: [], empty: true };
    }
    const scores = TextClassifier.scores(this.model, vector);
    const probabilities = this.calibrator.probabilities(scores);
    const order = TextClassifier.topIndices(probabilities, 4);
    const best = order[0];
    return {
      label: this.labels[best],
      confidence: probabilities[best],
      alternatives: order.slice(1, 4).map((k) => ({ label: this.labels[k], confidence: probabilities[k] })),
      features: this.explain(vector, best),
      empty: false,
    };
  }

  /** Raw per-class scores (for evaluation and threshold tuning). */
  scores(text: string): Float64Array {
    return TextClassifier.scores(this.model, this.extractor.transform(this.normalizer.tokens(text)));
  }

  toJSON(): SerializedModel {
    const { weights } = this.model;
    return {
      format: FORMAT,
      version: VERSION,
      labels: this.labels,
      prior: this.prior,
      maxInputChars: this.maxInputChars,
      explainFeatures: this.explainFeatures,
      temperature: this.calibrator.temperature,
      features: this.extractor.toJSON(),
      intercepts: Array.from(this.model.intercepts),
      weights: Buffer.from(weights.buffer, weights.byteOffset, weights.byteLength).toString('base64'),
    };
  }

  static fromJSON(json: unknown): TextClassifier {
    const data = (typeof json === 'string' ? JSON.parse(json) : json) as Partial<SerializedModel> | null;
    if (!data || data.format !== FORMAT) throw new Error(`not a ${FORMAT} file`);
    if (data.version !== VERSION) throw new Error(`unsupported model version ${String(data.version)}`);
    const labels = data.labels;
    if (!Array.isArray(labels) || labels.length === 0 || !data.features || typeof data.weights !== 'string') {
      throw new Error('incomplete model file');
    }
    const extractor = FeatureExtractor.fromJSON(data.features);
    const bytes = Buffer.from(data.weights, 'base64');
    if (bytes.byteLength !== extractor.size * labels.length * 4) {
      throw new Error('model weights do not match its vocabulary and labels');
    }
    const weights = new Float32Array(bytes.byteLength / 4);
    new Uint8Array(weights.buffer).set(bytes);
    if (weights.length !== extractor.size * labels.length || data.intercepts?.length !== labels.length) {
      throw new Error('model weights do not match its vocabulary and labels');
    }
    const model: LinearModel = {
      classes: labels.length,
      features: extractor.size,
      weights,
      intercepts: Float64Array.from(data.intercepts),
    };
    return new TextClassifier(
      labels,
      extractor,
      model,
      new TemperatureCalibrator(data.temperature ?? TemperatureCalibrator.DEFAULT_TEMPERATURE),
      data.prior ?? 0,
      data.maxInputChars ?? MAX_INPUT_CHARS,
      data.explainFeatures ?? 5,
    );
  }

  private explain(vector: SparseVector, label: number): string[] {
    const { weights, classes } = this.model;
    const contributions = new Float64Array(vector.indices.length);
    for (let p = 0; p < vector.indices.length; p++) {
      contributions[p] = vector.values[p] * weights[vector.indices[p] * classes + label];
    }
    const out: string[] = [];
    for (const p of TextClassifier.topIndices(contributions, this.explainFeatures * 2)) {
      if (contributions[p] <= 0) break;
      const description = this.extractor.describe(vector.indices[p]);
      if (!out.includes(description)) out.push(description);
      if (out.length >= this.explainFeatures) break;
    }
    return out;
  }

  /** Indices of the `count` largest values, largest first (partial selection, no full sort). */
  private static topIndices(values: ArrayLike<number>, count: number): number[] {
    const top: number[] = [];
    for (let i = 0; i < values.length; i++) {
      if (top.length === count && values[i] <= values[top[count - 1]]) continue;
      let at = top.length < count ? top.length : count - 1;
      top[at] = i;
      while (at > 0 && values[top[at - 1]] < values[i]) {
        top[at] = top[at - 1];
        top[--at] = i;
      }
    }
    return top;
  }

  private static *fitParts(
    documents: string[][],
    targets: Int32Array,
    classes: number,
    featureOptions: Partial<FeatureOptions> | undefined,
    svmOptions: Partial<SvmOptions>,
  ): Generator<void, { extractor: FeatureExtractor; model: LinearModel }> {
    const extractor = FeatureExtractor.fit(documents, featureOptions);
    yield;
    const matrix = SparseMatrix.fromRows(documents.map((tokens) => extractor.transform(tokens)));
    yield;
    const model = yield* new LinearSvmTrainer(svmOptions).trainSteps(
      matrix,
      targets,
      classes,
      extractor.size,
    );
    return { extractor, model };
  }

  private static scores(model: LinearModel, vector: SparseVector): Float64Array {
    const { classes, weights, intercepts } = model;
    const out = Float64Array.from(intercepts);
    for (let p = 0; p < vector.indices.length; p++) {
      const base = vector.indices[p] * classes;
      const value = vector.values[p];
      for (let k = 0; k < classes; k++) out[k] += value * weights[base + k];
    }
    return out;
  }

  /** Per-class random split: about `share` of each class with at least 2 examples is held out. */
  private static stratifiedSplit(
    targets: Int32Array,
    share: number,
    seed: number,
  ): { fit: number[]; held: number[] } {
    const byClass = new Map<number, number[]>();
    targets.forEach((t, i) => {
      const members = byClass.get(t);
      if (members) members.push(i);
      else byClass.set(t, [i]);
    });
    const random = new SeededRandom(seed ^ 0x5bd1e995);
    const fit: number[] = [];
    const held: number[] = [];
    for (const members of byClass.values()) {
      random.shuffle(members);
      const take = members.length >= 2 ? Math.max(1, Math.round(members.length * share)) : 0;
      held.push(...members.slice(0, take));
      fit.push(...members.slice(take));
    }
    return { fit: fit.sort((a, b) => a - b), held: held.sort((a, b) => a - b) };
  }
}
