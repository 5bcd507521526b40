/**
 * Turns raw per-class scores into probabilities with a softmax at a temperature fitted on held-out
 * data by minimising the negative log-likelihood (temperature scaling, Guo et al. 2017).
 */
export class TemperatureCalibrator {
  constructor(readonly temperature: number) {}

  static readonly DEFAULT_TEMPERATURE = 0.1;

  /** scores[i] are the class scores of held-out example i, whose true class is labels[i]. */
  static fit(scores: Float64Array[], labels: number[]): TemperatureCalibrator {
    if (scores.length === 0) return new TemperatureCalibrator(TemperatureCalibrator.DEFAULT_TEMPERATURE);
    const loss = (logT: number): number => {
      const t = Math.exp(logT);
      let total = 0;
      scores.forEach((row, i) => {
        let max = -Infinity;
        for (const s of row) if (s / t > max) max = s / t;
        let sum = 0;
        for (const s of row) sum += Math.exp(s / t - max);
        total -= row[labels[i]] / t - max - Math.log(sum);
      });
      return total / scores.length;
    };
    // Golden-section search over log T in [ln 0.005, ln 20]: the loss is unimodal in practice.
    let lo = Math.log(0.005);
    let hi = Math.log(20);
    const ratio = (Math.sqrt(5) - 1) / 2;
    let a = hi - ratio * (hi - lo);
    let b = lo + ratio * (hi - lo);
    let fa = loss(a);
    let fb = loss(b);
    for (let i = 0; i < 40; i++) {
      if (fa < fb) {
        hi = b;
        b = a;
        fb = fa;
        a = hi - ratio * (hi - lo);
        fa = loss(a);
      } else {
        lo = a;
        a = b;
        fa = fb;
        b = lo + ratio * (hi - lo);
        fb = loss(b);
      }
    }
    return new TemperatureCalibrator(Math.exp((lo + hi) / 2));
  }

  probabilities(scores: ArrayLike<number>): Float64Array {
    const out = new Float64Array(scores.length);
    let max = -Infinity;
    for (let k = 0; k < scores.length; k++) if (scores[k] > max) max = scores[k];
    let sum = 0;
    for (let k = 0; k < scores.length; k++) {
      out[k] = Math.exp((scores[k] - max) / this.temperature);
      sum += out[k];
    }
    for (let k = 0; k < scores.length; k++) out[k] /= sum;
    return out;
  }
}
