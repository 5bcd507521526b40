/** Edit-distance based similarity between normalised words, tolerant of small typos. */
export class StringSimilarity {
  /** Optimal-string-alignment Damerau-Levenshtein distance, stopping early above `limit`. */
  static distance(a: string, b: string, limit = Infinity): number {
    if (a === b) return 0;
    if (Math.abs(a.length - b.length) > limit) return limit + 1;
    if (a.length === 0) return b.length;
    if (b.length === 0) return a.length;
    const width = b.length + 1;
    let previous2 = new Array<number>(width).fill(0);
    let previous = Array.from({ length: width }, (_, j) => j);
    let current = new Array<number>(width).fill(0);
    for (let i = 1; i <= a.length; i++) {
      current[0] = i;
      let rowMin = i;
      for (let j = 1; j <= b.length; j++) {
        const cost = a[i - 1] === b[j - 1] ? 0 : 1;
        let value = Math.min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost);
        if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
          value = Math.min(value, previous2[j - 2] + 1);
        }
        current[j] = value;
        if (value < rowMin) rowMin = value;
      }
      if (rowMin > limit) return limit + 1;
      [previous2, previous, current] = [previous, current, previous2];
    }
    return previous[b.length];
  }

  /** How many edits a word of this length may carry and still count as the same word. */
  static allowedEdits(length: number): number {
    if (length <= 3) return 0;
    if (length <= 5) return 1;
    if (length <= 9) return 2;
    return 3;
  }

  /**
   * 1 for identical words, about 0.7..0.95 for a word with a typo or an inflected ending
   * ("amministrazione" ~ "amministrativa", "contabilita" ~ "contabilitatea"), 0 otherwise.
   */
  static words(a: string, b: string): number {
    if (a === b) return 1;
    const longest = Math.max(a.length, b.length);
    const shortest = Math.min(a.length, b.length);
    let prefix = 0;
    while (prefix < shortest && a[prefix] === b[prefix]) prefix++;
    let best = 0;
    if (prefix >= 6 && prefix >= shortest - 1) best = 0.7 + 0.25 * (prefix / longest);
    const allowed = StringSimilarity.allowedEdits(shortest);
    if (allowed > 0) {
      const d = StringSimilarity.distance(a, b, allowed);
      if (d <= allowed) best = Math.max(best, 1 - d / (longest + 2));
    }
    return best;
  }
}
