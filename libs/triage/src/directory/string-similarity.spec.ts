import { StringSimilarity } from './string-similarity';

describe('StringSimilarity', () => {
  it('computes the Damerau-Levenshtein distance with transpositions', () => {
    expect(StringSimilarity.distance('bianchi', 'bianchi')).toBe(0);
    expect(StringSimilarity.distance('bianchi', 'bianki')).toBe(2);
    expect(StringSimilarity.distance('rossi', 'rosis')).toBe(1);
    expect(StringSimilarity.distance('', 'abc')).toBe(3);
    expect(StringSimilarity.distance('kitten', 'sitting')).toBe(3);
  });

  it('stops early once the limit is exceeded', () => {
    expect(StringSimilarity.distance('amministrazione', 'magazzino', 2)).toBe(3);
  });

  it('scores typos and inflected endings high and different words zero', () => {
    expect(StringSimilarity.words('rossi', 'rossi')).toBe(1);
    expect(StringSimilarity.words('rossi', 'rosi')).toBeGreaterThan(0.7);
    expect(StringSimilarity.words('contabilita', 'contabilitatea')).toBeGreaterThan(0.8);
    expect(StringSimilarity.words('rossi', 'bianchi')).toBe(0);
    expect(StringSimilarity.words('hr', 'he')).toBe(0);
  });
});
