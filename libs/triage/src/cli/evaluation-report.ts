export interface ClassMetrics {
  label: string;
  precision: number;
  recall: number;
  f1: number;
  support: number;
}

export interface EvaluationSummary {
  examples: number;
  /** Share of all test examples whose predicted label equals the true label. */
  accuracy: number;
  /** Accuracy over in-scope examples only (an in-scope example predicted out-of-scope is wrong). */
  inScopeAccuracy: number;
  macroF1: number;
  /** Share of out-of-scope test examples predicted out-of-scope; null when there are none. */
  outOfScopeRecall: number | null;
  perClass: ClassMetrics[];
  confusions: { actual: string; predicted: string; count: number }[];
}

/** Accumulates (true, predicted) pairs and computes the usual classification figures. */
export class EvaluationReport {
  private readonly pairs = new Map<string, number>();
  private readonly labels = new Set<string>();
  private total = 0;

  constructor(private readonly outOfScopeLabel: string | null = null) {}

  add(actual: string, predicted: string): void {
    const key = `${actual}\u0000${predicted}`;
    this.pairs.set(key, (this.pairs.get(key) ?? 0) + 1);
    this.labels.add(actual);
    this.labels.add(predicted);
    this.total++;
  }

  summary(topConfusions = 10): EvaluationSummary {
    const truePositive = new Map<string, number>();
    const actualCount = new Map<string, number>();
    const predictedCount = new Map<string, number>();
    const confusions: EvaluationSummary['confusions'] = [];
    let correct = 0;
    let inScope = 0;
    let inScopeCorrect = 0;
    for (const [key, count] of this.pairs) {
      const [actual, predicted] = key.split('\u0000');
      actualCount.set(actual, (actualCount.get(actual) ?? 0) + count);
      predictedCount.set(predicted, (predictedCount.get(predicted) ?? 0) + count);
      if (actual !== this.outOfScopeLabel) inScope += count;
      if (actual === predicted) {
        correct += count;
        truePositive.set(actual, count);
        if (actual !== this.outOfScopeLabel) inScopeCorrect += count;
      } else {
        confusions.push({ actual, predicted, count });
      }
    }
    const perClass: ClassMetrics[] = [...this.labels]
      .filter((label) => (actualCount.get(label) ?? 0) > 0)
      .sort()
      .map((label) => {
        const tp = truePositive.get(label) ?? 0;
        const predicted = predictedCount.get(label) ?? 0;
        const support = actualCount.get(label) ?? 0;
        const precision = predicted > 0 ? tp / predicted : 0;
        const recall = support > 0 ? tp / support : 0;
        const f1 = precision + recall > 0 ? (2 * precision * recall) / (precision + recall) : 0;
        return { label, precision, recall, f1, support };
      });
    const oos =
      this.outOfScopeLabel === null ? undefined : perClass.find((c) => c.label === this.outOfScopeLabel);
    confusions.sort((a, b) => b.count - a.count || a.actual.localeCompare(b.actual));
    return {
      examples: this.total,
      accuracy: this.total > 0 ? correct / this.total : 0,
      inScopeAccuracy: inScope > 0 ? inScopeCorrect / inScope : 0,
      macroF1: perClass.length > 0 ? perClass.reduce((sum, c) => sum + c.f1, 0) / perClass.length : 0,
      outOfScopeRecall: oos ? oos.recall : null,
      perClass,
      confusions: confusions.slice(0, topConfusions),
    };
  }
}
