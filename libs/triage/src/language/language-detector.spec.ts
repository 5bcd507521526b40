import { LanguageDetector } from './language-detector';

describe('LanguageDetector', () => {
  const detector = new LanguageDetector(['it', 'en', 'es', 'ro']);

  it.each([
    ['it', 'vorrei parlare con l amministrazione'],
    ['it', 'il mio ordine non è ancora arrivato'],
    ['it', 'ho un problema con la fattura'],
    ['it', 'ciao'],
    ['it', 'grazie mille'],
    ['en', 'I would like to speak to accounting'],
    ['en', 'my order has not arrived yet'],
    ['en', 'hello'],
    ['en', 'thanks a lot'],
    ['es', 'quisiera hablar con administración'],
    ['es', 'mi pedido todavía no ha llegado'],
    ['es', 'hola'],
    ['es', 'Mostrar mi recordatorio'],
    ['ro', 'aș dori să vorbesc cu contabilitatea'],
    ['ro', 'comanda mea nu a ajuns inca'],
    ['ro', 'mulțumesc'],
    ['ro', 'salut'],
    ['ro', 'vreau sa fac o reclamatie'],
  ])('recognises %s in %j', (language, text) => {
    const result = detector.detect(text);
    expect(result.language).toBe(language);
    expect(result.confidence).toBeGreaterThan(0.3);
    expect(result.confidence).toBeLessThanOrEqual(1);
  });

  it('is more confident on a full sentence than on an ambiguous word', () => {
    const sentence = detector.detect('non funziona internet da ieri, potete aiutarmi?');
    const ambiguous = detector.detect('si');
    expect(sentence.language).toBe('it');
    expect(sentence.confidence).toBeGreaterThan(0.8);
    expect(ambiguous.confidence).toBeLessThan(0.6);
  });

  it('answers only with configured languages', () => {
    const italianOnly = new LanguageDetector(['it', 'es']);
    expect(['it', 'es']).toContain(italianOnly.detect('I would like to speak to accounting').language);
    expect(new LanguageDetector(['en']).detect('qualsiasi cosa').language).toBe('en');
  });

  it('gives low confidence to a language that is not configured', () => {
    const result = detector.detect('Guten Tag, ich möchte meine Rechnung bezahlen');
    expect(result.confidence).toBeLessThan(0.2);
  });

  it('accepts regional codes and normalises them', () => {
    expect(new LanguageDetector(['it-IT', 'EN_gb']).languages).toEqual(['it', 'en']);
  });

  it.each(['', '   ', '🙂🙂', '12345', '!!!', undefined as unknown as string])(
    'returns null language for %j without throwing',
    (text) => {
      expect(detector.detect(text)).toEqual({ language: null, confidence: 0 });
    },
  );

  it('copes with very long and mixed-script input', () => {
    expect(detector.detect('la fattura è sbagliata '.repeat(5000)).language).toBe('it');
    expect(() => detector.detect('请 fattura Привет <b>x</b>')).not.toThrow();
  });

  it('refuses an empty language list', () => {
    expect(() => new LanguageDetector([])).toThrow(/at least one language/);
  });
});
