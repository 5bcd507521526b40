import { LinearSvmTrainer, type LinearModel } from './linear-svm-trainer';
import { SparseMatrix } from './sparse-matrix';

const row = (pairs: [number, number][]) => ({
  indices: Int32Array.from(pairs, ([i]) => i),
  values: Float64Array.from(pairs, ([, v]) => v),
});

// Three classes, each marked by its own feature (0, 1, 2) plus shared noise on feature 3.
const rows = [
  row([
    [0, 1],
    [3, 0.2],
  ]),
  row([[0, 0.9]]),
  row([
    [0, 0.8],
    [3, 0.5],
  ]),
  row([
    [1, 1],
    [3, 0.3],
  ]),
  row([[1, 0.7]]),
  row([[2, 1]]),
  row([
    [2, 0.6],
    [3, 0.4],
  ]),
];
const labels = Int32Array.from([0, 0, 0, 1, 1, 2, 2]);

function predict(model: LinearModel, pairs: [number, number][]): number {
  const scores = Array.from(model.intercepts);
  for (const [i, v] of pairs)
    for (let k = 0; k < model.classes; k++) scores[k] += v * model.weights[i * model.classes + k];
  return scores.indexOf(Math.max(...scores));
}

describe('LinearSvmTrainer', () => {
  it.each(['hinge', 'squared-hinge'] as const)(
    'separates linearly separable classes with %s loss',
    (loss) => {
      const model = new LinearSvmTrainer({ loss, C: 10 }).train(SparseMatrix.fromRows(rows), labels, 3, 4);
      expect(model.weights).toHaveLength(12);
      expect(predict(model, [[0, 1]])).toBe(0);
      expect(predict(model, [[1, 1]])).toBe(1);
      expect(
        predict(model, [
          [2, 1],
          [3, 0.2],
        ]),
      ).toBe(2);
      // Each class's own feature carries a positive weight for it and a negative one for the others.
      expect(model.weights[0 * 3 + 0]).toBeGreaterThan(0);
      expect(model.weights[0 * 3 + 1]).toBeLessThan(0);
    },
  );

  it('shrinks weights as C gets smaller (stronger regularisation)', () => {
    const norm = (C: number) => {
      const model = new LinearSvmTrainer({ C }).train(SparseMatrix.fromRows(rows), labels, 3, 4);
      return Math.hypot(...model.weights);
    };
    expect(norm(0.01)).toBeLessThan(norm(1));
  });

  it('is deterministic for a seed', () => {
    const a = new LinearSvmTrainer({ seed: 3 }).train(SparseMatrix.fromRows(rows), labels, 3, 4);
    const b = new LinearSvmTrainer({ seed: 3 }).train(SparseMatrix.fromRows(rows), labels, 3, 4);
    expect(Array.from(a.weights)).toEqual(Array.from(b.weights));
  });
});
