import { join } from 'node:path';
import { FrontOfficeConfig } from '@centralino/config';
import { TriageService } from './triage.service';

// The sample front office (config/front-office.yaml with config/triage-examples.yaml merged in).
const sample = FrontOfficeConfig.load(join(__dirname, '../../../config/front-office.yaml'));

function withTriage(
  config: FrontOfficeConfig,
  triage: { confidenceThreshold: number; maxClarifications: number },
) {
  return new FrontOfficeConfig({ ...config.data, triage });
}

describe('TriageService', () => {
  let triage: TriageService;

  beforeAll(() => {
    triage = new TriageService(sample);
  });

  it('trains from the examples and keywords of every language at start-up', () => {
    expect(TriageService.trainingExamples(sample.problemTypes).length).toBeGreaterThan(800);
    // How long it takes is a benchmark figure (bench/triage/results.md), not a timed test.
    expect(triage.classify({ text: 'ho un problema con la fattura' }).problemType).toBe('billing');
  });

  it('queues a clear request with calibrated confidence, alternatives, language and the features as reasons', () => {
    const decision = triage.classify({ text: 'Buongiorno, ho un problema con la fattura di marzo' });
    expect(decision).toMatchObject({ kind: 'queue', problemType: 'billing', language: 'it', source: 'text' });
    expect(decision.confidence).toBeGreaterThanOrEqual(0.5);
    expect(decision.confidence).toBeLessThanOrEqual(1);
    expect(decision.alternatives).toHaveLength(3);
    expect(decision.alternatives.every((a) => a.problemType !== 'billing')).toBe(true);
    expect(decision.reasons.length).toBeGreaterThan(0);
    expect(decision.reasons.join(' ')).toMatch(/fatt|tura/);

    const romanian = triage.classify({ text: 'Bună ziua, nu mi-a sosit coletul comandat' });
    expect(romanian).toMatchObject({ kind: 'queue', problemType: 'orders', language: 'ro' });
    const spanish = triage.classify({ text: 'quisiera saber el precio de la licencia' });
    expect(spanish).toMatchObject({ kind: 'queue', problemType: 'sales', language: 'es' });
  });

  it("lets the provider's language hint win over detection", () => {
    expect(triage.classify({ text: 'ho un problema con la fattura', languageHint: 'en' }).language).toBe(
      'en',
    );
    expect(triage.classify({ text: 'ho un problema con la fattura', languageHint: 'en-GB' }).language).toBe(
      'en',
    );
  });

  it('lets an IVR digit win outright over anything said', () => {
    const decision = triage.classify({
      digits: '2',
      text: 'ho un problema con la fattura',
      canClarify: true,
    });
    expect(decision).toMatchObject({
      kind: 'queue',
      problemType: 'technical_support',
      source: 'digits',
      confidence: 1,
      reasons: ['pressed 2'],
    });
    // A digit that is not in the menu falls through to the text.
    expect(triage.classify({ digits: '9', text: 'ho un problema con la fattura' }).problemType).toBe(
      'billing',
    );
  });

  it('asks a clarifying question in the caller’s language below the threshold, naming the closest options', () => {
    const decision = triage.classify({ text: 'ho un problema', canClarify: true });
    expect(decision.confidence).toBeLessThan(0.5);
    expect(decision).toMatchObject({ kind: 'clarify', problemType: 'reception', language: 'it' });
    expect(decision.reasons[0]).toMatch(/^low confidence: \w+ \(0\.\d\d\) below 0\.5$/);
    expect(decision.bestGuess?.problemType).toBe(decision.clarify!.options[0].problemType);
    expect(decision.clarify!.language).toBe('it');
    expect(decision.clarify!.options).toHaveLength(3);
    expect(decision.clarify!.options.map((o) => o.label)).toContain('Amministrazione e pagamenti');
    expect(decision.clarify!.prompt).toMatch(
      /^Può dirmi qualcosa in più\? Per esempio: .*Amministrazione e pagamenti/,
    );

    const english = triage.classify({ text: 'hello there', canClarify: true });
    expect(english).toMatchObject({ kind: 'clarify', language: 'en' });
    expect(english.clarify!.prompt).toMatch(/^Can you tell me a bit more\? For example: /);
    expect(english.reasons[0]).toBe('only a greeting, no request');
  });

  it('sends an unclear request to reception with the best guess after the last question, or at once if it cannot ask', () => {
    const last = triage.classify({ text: 'ho un problema', canClarify: true, clarificationsAsked: 2 });
    expect(last).toMatchObject({ kind: 'queue', problemType: 'reception', source: 'fallback' });
    expect(last.reasons).toContain('still unclear after 2 clarifying questions');
    expect(last.reasons.at(-1)).toMatch(/^best guess: \w+ \(0\.\d\d\)$/);
    expect(last.bestGuess).toBeDefined();

    const cannotAsk = triage.classify({ text: 'ho un problema' });
    expect(cannotAsk).toMatchObject({ kind: 'queue', problemType: 'reception', source: 'fallback' });
    expect(cannotAsk.reasons.at(-1)).toMatch(/^best guess: /);
  });

  it('reads an answer together with what was said before', () => {
    const decision = triage.classify({
      text: 'è per la bolletta',
      earlierText: ['salve, buongiorno'],
      clarificationsAsked: 1,
      canClarify: true,
    });
    expect(decision).toMatchObject({ kind: 'queue', problemType: 'billing', language: 'it' });
  });

  it('reads what follows a greeting: the greeting neither decides nor adds confidence', () => {
    const alone = triage.classify({ text: 'ho un problema', canClarify: true, clarificationsAsked: 2 });
    const afterGreetings = triage.classify({
      text: 'ho un problema',
      earlierText: ['salve, buongiorno', 'ehm, allora, sì'],
      canClarify: true,
      clarificationsAsked: 2,
    });
    expect(afterGreetings).toMatchObject({ kind: 'queue', problemType: 'reception', source: 'fallback' });
    expect(afterGreetings.confidence).toBe(alone.confidence);
    const greeted = triage.classify({ text: 'Salve, buongiorno, il pacco non è ancora arrivato' });
    expect(greeted).toMatchObject({ kind: 'queue', problemType: 'orders' });
    expect(greeted.confidence).toBe(triage.classify({ text: 'il pacco non è ancora arrivato' }).confidence);
  });

  it('follows the configured threshold and number of questions', () => {
    const lenient = new TriageService(withTriage(sample, { confidenceThreshold: 0, maxClarifications: 2 }));
    expect(lenient.classify({ text: 'ho un problema', canClarify: true }).kind).toBe('queue');
    const strict = new TriageService(
      withTriage(sample, { confidenceThreshold: 0.999, maxClarifications: 0 }),
    );
    const decision = strict.classify({ text: 'vorrei fare un reclamo per la fattura', canClarify: true });
    expect(decision).toMatchObject({ kind: 'queue', problemType: 'reception' });
    expect(decision.reasons.at(-1)).toMatch(/^best guess: /);
  });

  it('rejects an invalid threshold in the front-office file', () => {
    expect(() =>
      FrontOfficeConfig.fromObject({
        ...sample.data,
        triage: { confidenceThreshold: 1.5, maxClarifications: 2 },
      }),
    ).toThrow(/triage\.confidenceThreshold/);
    expect(FrontOfficeConfig.fromObject({ ...sample.data, triage: undefined }).data.triage).toEqual({
      confidenceThreshold: 0.5,
      maxClarifications: 2,
    });
  });

  it.each([
    ['', 'nothing said or pressed'],
    ['   ', 'nothing said or pressed'],
    ['🙂🙂🙂', 'no words in what was said'],
    ['salve, buongiorno', 'only a greeting, no request'],
  ])('asks again on empty or junk input %j (%s)', (text, why) => {
    const decision = triage.classify({ text, canClarify: true });
    expect(decision).toMatchObject({
      kind: 'clarify',
      problemType: 'reception',
      reasons: [why, 'clarifying question 1 of 2'],
    });
    expect(decision.clarify!.options.length).toBeGreaterThan(0);
    const last = triage.classify({ text, canClarify: true, clarificationsAsked: 2 });
    expect(last).toMatchObject({ kind: 'queue', problemType: 'reception', source: 'fallback' });
    expect(last.reasons[0]).toBe(why);
  });

  it.each([
    ['100 kB of text', 'la fattura '.repeat(10_000)],
    ['HTML', '<script>alert("x")</script><b>fattura</b>'],
    ['SQL', "'; DROP TABLE contacts; -- fattura"],
    ['mixed scripts', 'Привет 你好 factura مرحبا'],
    ['control characters', '\u0000\u0007fattura\uFFFF\uD800'],
  ])('never throws on %s', (_name, text) => {
    const decision = triage.classify({ text, canClarify: true });
    expect(['queue', 'clarify']).toContain(decision.kind);
    expect(decision.problemType).toBeTruthy();
  });

  it.each([
    ["vorrei parlare con l'amministrazione", 'accounting', 'Amministrazione', 'department'],
    ['accounting, please', 'accounting', 'Amministrazione', 'department'],
    ['passami Maria Rossi', 'maria-rossi', 'Maria Rossi', 'person'],
    ['puedo hablar con el señor Bianchi', 'luca-bianchi', 'Luca Bianchi', 'person'],
  ])('resolves %j against the directory', (text, id, name, kind) => {
    const decision = triage.classify({ text, canClarify: true });
    expect(decision).toMatchObject({
      kind: 'directory',
      problemType: 'reception',
      reasons: [`asked for ${name}`],
      directoryTarget: { id, name, kind },
    });
    expect(decision.directoryTarget!.phone).toMatch(/^\+39/);
  });

  it('uses configured keywords as evidence when a small taxonomy has no examples', () => {
    const keywordsOnly = FrontOfficeConfig.load(
      join(__dirname, '../../../test/fixtures/front-office.test.yaml'),
    );
    const small = new TriageService(keywordsOnly);
    expect(small.classify({ text: 'I need a lawyer', languageHint: 'en', canClarify: true })).toMatchObject({
      kind: 'queue',
      problemType: 'legal',
      language: 'en',
    });
    expect(small.classify({ text: 'ho un problema con la fattura', canClarify: true })).toMatchObject({
      kind: 'queue',
      problemType: 'billing',
    });
    // No clarify prompt configured: a built-in one in the caller's language.
    const vague = small.classify({ text: 'buongiorno', canClarify: true });
    expect(vague.clarify!.prompt).toMatch(
      /^Può dirmi qualcosa in più su ciò di cui ha bisogno\? Per esempio: Billing/,
    );
  });

  it('retrains from a new version of the file, letting the event loop run meanwhile', async () => {
    const service = new TriageService(sample);
    const word = 'zorbulatore';
    expect(
      service.classify({ text: `mi serve uno ${word} per giovedì`, canClarify: true }).problemType,
    ).not.toBe('appointments');
    const data = structuredClone(sample.data);
    const appointments = data.problemTypes.find((type) => type.id === 'appointments')!;
    appointments.examples.it = [
      ...(appointments.examples.it ?? []),
      `prenotare lo ${word}`,
      `uno ${word} per martedì`,
      `devo fissare uno ${word}`,
      `uno ${word} per domani mattina`,
    ];
    // Count event-loop turns while it trains: a blocking retrain would allow one at most.
    let turns = 0;
    let spinning = true;
    const spin = (): void => {
      turns++;
      if (spinning) setImmediate(spin);
    };
    setImmediate(spin);
    const result = await service.retrain(new FrontOfficeConfig(data));
    spinning = false;
    expect(turns).toBeGreaterThan(data.problemTypes.length);
    expect(result).toMatchObject({ problemTypes: data.problemTypes.length });
    expect(result.examples).toBe(TriageService.trainingExamples(data.problemTypes).length);
    expect(service.classify({ text: `mi serve uno ${word} per giovedì`, canClarify: true })).toMatchObject({
      kind: 'queue',
      problemType: 'appointments',
    });
  }, 120_000); // trains twice: slow on a busy shared machine

  it('refuses a retrain that adds or removes problem types, keeping the running model', async () => {
    const service = triage;
    const data = structuredClone(sample.data);
    data.problemTypes.pop();
    await expect(service.retrain(new FrontOfficeConfig(data))).rejects.toMatchObject({
      code: 'validation_failed',
      message: expect.stringMatching(/problemTypes changed/),
    });
    expect(service.classify({ text: 'ho un problema con la fattura di marzo' }).problemType).toBe('billing');
  });
});
