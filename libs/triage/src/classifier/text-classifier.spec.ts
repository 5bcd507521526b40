import { SMALL_TRAINING_SET } from './fixtures.spec-data';
import { TextClassifier } from './text-classifier';

describe('TextClassifier', () => {
  const classifier = TextClassifier.train(SMALL_TRAINING_SET);

  it.each([
    ['la mia fattura ha un importo sbagliato', 'billing'],
    ['I was charged twice on my bill', 'billing'],
    ['il router continua a non funzionare', 'technical_support'],
    ['cannot log in, password problem', 'technical_support'],
    ['il mio pacco non è arrivato', 'orders'],
    ['where is my parcel?', 'orders'],
  ])('classifies %j as %s', (text, label) => {
    const result = classifier.classify(text);
    expect(result.label).toBe(label);
    expect(result.empty).toBe(false);
    expect(result.confidence).toBeGreaterThan(1 / 3);
  });

  it('tolerates accents and typos through character n-grams', () => {
    expect(classifier.classify('FATTÙRA sbaglaita').label).toBe('billing');
    expect(classifier.classify('the rooter is not workin').label).toBe('technical_support');
  });

  it('returns probabilities that sum to one with the runners-up in order', () => {
    const result = classifier.classify('my invoice is wrong');
    expect(result.alternatives).toHaveLength(2);
    const all = [result.confidence, ...result.alternatives.map((a) => a.confidence)];
    expect(all.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 6);
    expect([...all].sort((a, b) => b - a)).toEqual(all);
    expect(result.alternatives.map((a) => a.label)).not.toContain(result.label);
  });

  it('explains the decision with n-grams taken from the text', () => {
    const result = classifier.classify('the invoice amount');
    expect(result.features.length).toBeGreaterThan(0);
    expect(result.features.length).toBeLessThanOrEqual(5);
    expect(result.features.join(' ')).toMatch(/invoice|invo|voic/);
  });

  it('is more confident on a clear request than on an ambiguous one', () => {
    const clear = classifier.classify('I want a refund for the payment on my invoice');
    const vague = classifier.classify('I have a question');
    expect(clear.label).toBe('billing');
    expect(clear.confidence).toBeGreaterThan(vague.confidence);
  });

  it('fits a temperature so that confidence grows monotonically with the score margin', () => {
    expect(classifier.temperature).toBeGreaterThan(0);
    // Adding more billing evidence must not lower the billing confidence.
    const texts = [
      'payment',
      'payment refund',
      'payment refund invoice',
      'payment refund invoice bill charged',
    ];
    const confidences = texts.map((t) => {
      const r = classifier.classify(t);
      expect(r.label).toBe('billing');
      return r.confidence;
    });
    for (let i = 1; i < confidences.length; i++)
      expect(confidences[i]).toBeGreaterThanOrEqual(confidences[i - 1]);
  });

  it('round-trips through JSON with identical predictions', () => {
    const json = JSON.parse(JSON.stringify(classifier.toJSON()));
    const restored = TextClassifier.fromJSON(json);
    for (const text of ['fattura sbagliata', 'router broken', 'where is my order', 'boh']) {
      const a = classifier.classify(text);
      const b = restored.classify(text);
      expect(b.label).toBe(a.label);
      expect(b.confidence).toBeCloseTo(a.confidence, 5);
      expect(b.features).toEqual(a.features);
    }
  });

  it('rejects a model file of another format or version', () => {
    expect(() => TextClassifier.fromJSON({ format: 'other' })).toThrow(/not a centralino-triage-model/);
    expect(() => TextClassifier.fromJSON({ ...classifier.toJSON(), version: 99 })).toThrow(/version 99/);
    expect(() => TextClassifier.fromJSON({ ...classifier.toJSON(), weights: 'AAAA' })).toThrow(
      /do not match/,
    );
  });

  it.each([
    ['empty', ''],
    ['whitespace', '   \n\t '],
    ['emoji only', '🙂🙂🔥'],
    ['digits only', '123 456'],
    ['another script', '请帮我查一下订单'],
  ])('flags %s input as empty instead of throwing', (_name, text) => {
    const result = classifier.classify(text);
    expect(result.empty).toBe(true);
    expect(result.confidence).toBe(0);
    expect(classifier.labels).toContain(result.label);
  });

  it.each([
    ['HTML', '<script>alert("x")</script><div class="a">'],
    ['SQL', "'; DROP TABLE contacts; --"],
    ['mixed scripts', 'fattura 请 invoice Привет 🙂'],
    ['100 kB of text', 'fattura '.repeat(12_500)],
    ['not a string', 42 as unknown as string],
  ])('never throws on %s', (_name, text) => {
    const result = classifier.classify(text);
    expect(classifier.labels).toContain(result.label);
    expect(result.confidence).toBeGreaterThanOrEqual(0);
    expect(result.confidence).toBeLessThanOrEqual(1);
  });

  it('classifies 100 kB of text quickly because the input is capped', () => {
    const start = performance.now();
    classifier.classify('la fattura è sbagliata '.repeat(5000));
    expect(performance.now() - start).toBeLessThan(200);
  });

  it('refuses to train without examples', () => {
    expect(() => TextClassifier.train([])).toThrow(/without labelled examples/);
  });

  it('is deterministic for a given seed', () => {
    const again = TextClassifier.train(SMALL_TRAINING_SET);
    expect(again.classify('il pacco è in ritardo').confidence).toBe(
      classifier.classify('il pacco è in ritardo').confidence,
    );
  });
  it('trains the same model step by step (trainAsync) as in one go', async () => {
    const once = TextClassifier.train(SMALL_TRAINING_SET, { seed: 3 });
    const stepped = await TextClassifier.trainAsync(SMALL_TRAINING_SET, { seed: 3 });
    expect(stepped.toJSON()).toEqual(once.toJSON());
  });
});
