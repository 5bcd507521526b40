import { TextNormalizer } from './text-normalizer';

describe('TextNormalizer', () => {
  const normalizer = new TextNormalizer(50);

  it('lowercases, strips accents, splits on punctuation and collapses whitespace', () => {
    expect(normalizer.normalize("  Perché   l'AMMINISTRAZIONE, già?! ")).toBe('perche l amministrazione gia');
    expect(normalizer.normalize('Mulțumesc, cât costă?')).toBe('multumesc cat costa');
  });

  it('folds digit runs and keeps letters of other scripts', () => {
    expect(normalizer.tokens('ordine 12345 del 3/4')).toEqual(['ordine', '0', 'del', '0', '0']);
    expect(normalizer.normalize('Привет мир')).toBe('привет мир');
  });

  it('caps the length of long input', () => {
    expect(normalizer.normalize('abc '.repeat(10_000)).length).toBeLessThanOrEqual(50);
  });

  it('returns an empty string for non-strings and symbol-only text', () => {
    expect(normalizer.normalize(undefined)).toBe('');
    expect(normalizer.normalize(42)).toBe('');
    expect(normalizer.normalize('🙂🙂 !!! ...')).toBe('');
    expect(normalizer.tokens('   ')).toEqual([]);
  });
});
