import { SeededRandom } from './seeded-random';
import type { SparseMatrix } from './sparse-matrix';

export interface SvmOptions {
  /** Inverse regularisation strength. */
  C: number;
  /**
   * Stopping tolerance on the projected gradient. LIBLINEAR's default 0.1 stops early enough for the
   * result to depend on the shuffling seed; 0.01 trains to convergence at ~20% more time.
   */
  epsilon: number;
  maxIterations: number;
  /** Value of the constant feature that carries the intercept (0: no intercept). */
  bias: number;
  /** Weight errors on each class by n / (k * n_class) so small classes are not drowned out. */
  balanced: boolean;
  /** 'squared-hinge' (L2-loss, LIBLINEAR -s 1) or 'hinge' (L1-loss, LIBLINEAR -s 3). */
  loss: 'squared-hinge' | 'hinge';
  seed: number;
}

export const DEFAULT_SVM_OPTIONS: SvmOptions = {
  C: 1,
  epsilon: 0.01,
  maxIterations: 1000,
  bias: 1,
  balanced: false,
  // Hinge edged out squared hinge on Banking77/HWU64 validation (+0.2 points, within noise).
  loss: 'hinge',
  seed: 1,
};

/** Runs a step-wise computation to its end without pausing. */
export function runToEnd<T>(steps: Generator<void, T>): T {
  for (;;) {
    const step = steps.next();
    if (step.done) return step.value;
  }
}

/** Runs a step-wise computation, letting the event loop run between steps. */
export async function runYielding<T>(steps: Generator<void, T>): Promise<T> {
  for (;;) {
    const step = steps.next();
    if (step.done) return step.value;
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
}

/** Weights of a one-vs-rest linear model, feature-major: weights[feature * classes + class]. */
export interface LinearModel {
  classes: number;
  features: number;
  weights: Float32Array;
  intercepts: Float64Array;
}

/**
 * One-vs-rest L2-regularised linear SVM (hinge or squared-hinge loss) trained by dual coordinate
 * descent with shrinking (Hsieh et al. 2008; the LIBLINEAR "-s 3" and "-s 1" solvers).
 */
export class LinearSvmTrainer {
  readonly options: SvmOptions;

  constructor(options: Partial<SvmOptions> = {}) {
    this.options = { ...DEFAULT_SVM_OPTIONS, ...options };
  }

  train(matrix: SparseMatrix, labels: Int32Array, classes: number, features: number): LinearModel {
    return runToEnd(this.trainSteps(matrix, labels, classes, features));
  }

  /**
   * The same training, pausing after each class: a caller that awaits between steps (a retrain while
   * the service runs) keeps the event loop free for requests.
   */
  *trainSteps(
    matrix: SparseMatrix,
    labels: Int32Array,
    classes: number,
    features: number,
  ): Generator<void, LinearModel> {
    const weights = new Float32Array(features * classes);
    const intercepts = new Float64Array(classes);
    const counts = new Float64Array(classes);
    for (const label of labels) counts[label]++;
    const n = matrix.rows;
    const w = new Float64Array(features);
    for (let k = 0; k < classes; k++) {
      w.fill(0);
      let positiveC = this.options.C;
      let negativeC = this.options.C;
      if (this.options.balanced && counts[k] > 0) {
        positiveC *= n / (2 * counts[k]);
        negativeC *= n / (2 * (n - counts[k]));
      }
      const b = this.solve(matrix, labels, k, w, positiveC, negativeC);
      for (let j = 0; j < features; j++) weights[j * classes + k] = w[j];
      intercepts[k] = b;
      yield;
    }
    return { classes, features, weights, intercepts };
  }

  /** Trains class k against the rest into w; returns the intercept. */
  private solve(
    matrix: SparseMatrix,
    labels: Int32Array,
    k: number,
    w: Float64Array,
    positiveC: number,
    negativeC: number,
  ): number {
    const { rowStart, columns, values } = matrix;
    const { epsilon, maxIterations, bias } = this.options;
    const hinge = this.options.loss === 'hinge';
    const n = matrix.rows;
    const y = new Int8Array(n);
    const diag = new Float64Array(n);
    const upper = new Float64Array(n);
    const qd = new Float64Array(n);
    const alpha = new Float64Array(n);
    const index = new Int32Array(n);
    for (let i = 0; i < n; i++) {
      y[i] = labels[i] === k ? 1 : -1;
      const c = y[i] > 0 ? positiveC : negativeC;
      diag[i] = hinge ? 0 : 0.5 / c;
      upper[i] = hinge ? c : Infinity;
      let sq = bias * bias;
      for (let p = rowStart[i]; p < rowStart[i + 1]; p++) sq += values[p] * values[p];
      qd[i] = diag[i] + sq;
      index[i] = i;
    }
    const random = new SeededRandom(this.options.seed + k);
    let wb = 0;
    let activeSize = n;
    let pgMaxOld = Infinity;
    let pgMinOld = -Infinity;
    for (let iteration = 0; iteration < maxIterations; iteration++) {
      let pgMaxNew = -Infinity;
      let pgMinNew = Infinity;
      random.shuffleInts(index, activeSize);
      for (let s = 0; s < activeSize; s++) {
        const i = index[s];
        const yi = y[i];
        let dot = wb * bias;
        const end = rowStart[i + 1];
        for (let p = rowStart[i]; p < end; p++) dot += w[columns[p]] * values[p];
        const g = yi * dot - 1 + alpha[i] * diag[i];
        let pg = 0;
        if (alpha[i] === 0) {
          if (g > pgMaxOld) {
            activeSize--;
            index[s] = index[activeSize];
            index[activeSize] = i;
            s--;
            continue;
          } else if (g < 0) {
            pg = g;
          }
        } else if (alpha[i] >= upper[i]) {
          if (g < pgMinOld) {
            activeSize--;
            index[s] = index[activeSize];
            index[activeSize] = i;
            s--;
            continue;
          } else if (g > 0) {
            pg = g;
          }
        } else {
          pg = g;
        }
        if (pg > pgMaxNew) pgMaxNew = pg;
        if (pg < pgMinNew) pgMinNew = pg;
        if (Math.abs(pg) > 1e-12) {
          const old = alpha[i];
          const next = Math.min(Math.max(old - g / qd[i], 0), upper[i]);
          alpha[i] = next;
          const d = (next - old) * yi;
          for (let p = rowStart[i]; p < end; p++) w[columns[p]] += d * values[p];
          wb += d * bias;
        }
      }
      if (pgMaxNew - pgMinNew <= epsilon) {
        if (activeSize === n) break;
        activeSize = n;
        pgMaxOld = Infinity;
        pgMinOld = -Infinity;
        continue;
      }
      pgMaxOld = pgMaxNew <= 0 ? Infinity : pgMaxNew;
      pgMinOld = pgMinNew >= 0 ? -Infinity : pgMinNew;
    }
    return wb * bias;
  }
}
