import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { TextClassifier, type LabelledText } from './text-classifier';

// The sample examples shipped in config/ (part of the repository), not the shared data sets.
const examplesFile = join(__dirname, '../../../../config/triage-examples.yaml');

describe('sample taxonomy (config/triage-examples.yaml)', () => {
  const doc = parse(readFileSync(examplesFile, 'utf8')) as Record<string, Record<string, string[]>>;
  const examples: LabelledText[] = Object.entries(doc).flatMap(([label, byLanguage]) =>
    Object.values(byLanguage).flatMap((texts) => texts.map((text) => ({ text, label }))),
  );

  it('has at least 25 examples per problem type and language', () => {
    expect(Object.keys(doc).sort()).toEqual([
      'appointments',
      'billing',
      'complaints',
      'general_info',
      'orders',
      'reception',
      'sales',
      'technical_support',
    ]);
    for (const byLanguage of Object.values(doc)) {
      for (const language of ['it', 'en', 'es', 'ro'])
        expect(byLanguage[language].length).toBeGreaterThanOrEqual(25);
    }
  });

  // Training time is a benchmark figure (bench/triage/results.md), not a timed test.
  it('trains and routes unseen requests in all four languages', () => {
    const classifier = TextClassifier.train(examples);
    const cases: [string, string][] = [
      ['mi è arrivata una bolletta troppo alta', 'billing'],
      ['my laptop will not connect to the wifi', 'technical_support'],
      ['quisiera saber el precio de la licencia', 'sales'],
      ['coletul meu nu a fost livrat', 'orders'],
      ['sono scontentissimo, nessuno mi risponde mai', 'complaints'],
      ['can I reschedule my appointment to Monday', 'appointments'],
      ['¿a qué hora cierran los viernes?', 'general_info'],
      ['vreau să vorbesc cu un om', 'reception'],
    ];
    const wrong = cases.filter(([text, label]) => classifier.classify(text).label !== label);
    expect(wrong).toEqual([]);
  });
});
