/** Longest input considered, in characters: the rest of a long message adds nothing but time. */
export const MAX_INPUT_CHARS = 2000;

/**
 * Turns raw user text into the canonical form that features are computed from: lowercase, accents
 * stripped, every run of characters other than letters and digits replaced by one space, digit runs
 * folded to "0". Never throws: anything that is not a string becomes the empty string.
 */
export class TextNormalizer {
  private static readonly marks = /\p{M}+/gu;
  private static readonly nonWord = /[^\p{L}\p{N}]+/gu;
  private static readonly digits = /\p{Nd}+/gu;
  private static readonly letter = /\p{L}/u;

  constructor(private readonly maxChars = MAX_INPUT_CHARS) {}

  normalize(text: unknown): string {
    if (typeof text !== 'string' || text.length === 0) return '';
    // Cut before the (linear but not free) Unicode passes, then again after NFKD may have grown it.
    const head = text.length > this.maxChars * 2 ? text.slice(0, this.maxChars * 2) : text;
    return head
      .normalize('NFKD')
      .replace(TextNormalizer.marks, '')
      .toLowerCase()
      .replace(TextNormalizer.digits, '0')
      .replace(TextNormalizer.nonWord, ' ')
      .trim()
      .slice(0, this.maxChars)
      .trim();
  }

  tokens(text: unknown): string[] {
    const normalized = this.normalize(text);
    return normalized.length === 0 ? [] : normalized.split(' ');
  }

  /** True when the text holds at least one letter in any script. */
  static hasLetters(text: string): boolean {
    return TextNormalizer.letter.test(text);
  }
}
