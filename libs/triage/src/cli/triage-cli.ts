import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { TextClassifier, type LabelledText, type TrainOptions } from '../classifier/text-classifier';
import { DatasetError } from './dataset-error';
import { DatasetLoader } from './dataset-loader';
import { EvaluationReport, type EvaluationSummary } from './evaluation-report';

export interface CliOutput {
  out(line: string): void;
  err(line: string): void;
}

const USAGE = `usage:
  triage eval  --train FILE --test FILE [--threshold T] [--oos-label LABEL] [--train-oos] [--c C] [--seed N]
  triage train --train FILE --out MODEL.json [--oos-label LABEL] [--train-oos] [--c C] [--seed N]

FILE: .csv (header with text + label/category/intent), .tsv (label<TAB>text), .json (array of
{text,label} or [text,label], or CLINC-style splits: file.json#val+oos_val), .conll (# text = / # intent =).
--threshold T   predictions below confidence T become the out-of-scope label ("oos" unless --oos-label)
--oos-label L   test examples labelled L are out of scope; training examples labelled L are left out
                unless --train-oos`;

/** `npm run triage -- eval|train ...`: trains and evaluates the triage classifier from files. */
export class TriageCli {
  constructor(private readonly io: CliOutput) {}

  /** Runs the command; returns the process exit code (0 ok, 1 failure, 2 bad input or usage). */
  run(argv: string[]): number {
    let parsed;
    try {
      parsed = parseArgs({
        args: argv,
        allowPositionals: true,
        options: {
          train: { type: 'string' },
          test: { type: 'string' },
          out: { type: 'string' },
          threshold: { type: 'string' },
          'oos-label': { type: 'string' },
          'train-oos': { type: 'boolean', default: false },
          c: { type: 'string' },
          seed: { type: 'string' },
          help: { type: 'boolean', short: 'h', default: false },
        },
      });
    } catch (error) {
      this.io.err(`${(error as Error).message}\n${USAGE}`);
      return 2;
    }
    const { values, positionals } = parsed;
    const command = positionals[0];
    if (values.help || (command !== 'eval' && command !== 'train')) {
      (values.help ? this.io.out : this.io.err)(USAGE);
      return values.help ? 0 : 2;
    }
    if (!values.train || (command === 'eval' && !values.test) || (command === 'train' && !values.out)) {
      this.io.err(USAGE);
      return 2;
    }
    const threshold = values.threshold === undefined ? null : Number(values.threshold);
    if (threshold !== null && !(threshold >= 0 && threshold <= 1)) {
      this.io.err('--threshold must be a number between 0 and 1');
      return 2;
    }
    const options: TrainOptions = { seed: values.seed === undefined ? 1 : Number(values.seed) };
    if (values.c !== undefined) options.svm = { C: Number(values.c) };
    const oosLabel = values['oos-label'] ?? (threshold !== null ? 'oos' : null);
    try {
      let training = DatasetLoader.load(values.train);
      if (oosLabel !== null && !values['train-oos']) training = training.filter((e) => e.label !== oosLabel);
      const started = performance.now();
      const classifier = TextClassifier.train(training, options);
      const trainingSeconds = (performance.now() - started) / 1000;
      this.io.out(
        `trained on ${training.length} examples, ${classifier.labels.length} labels, ` +
          `${classifier.featureCount} features in ${trainingSeconds.toFixed(2)} s ` +
          `(temperature ${classifier.temperature.toFixed(3)}, weights ${TriageCli.megabytes(classifier.modelBytes)} MB)`,
      );
      if (command === 'train') {
        const out = values.out ?? 'model.json';
        writeFileSync(out, JSON.stringify(classifier.toJSON()));
        this.io.out(`model written to ${out}`);
        return 0;
      }
      const test = DatasetLoader.load(values.test ?? '');
      this.evaluate(classifier, test, threshold, oosLabel);
      return 0;
    } catch (error) {
      if (error instanceof DatasetError) {
        this.io.err(`error: ${error.message}`);
        return 2;
      }
      this.io.err(`error: ${(error as Error).stack ?? String(error)}`);
      return 1;
    }
  }

  private evaluate(
    classifier: TextClassifier,
    test: LabelledText[],
    threshold: number | null,
    oos: string | null,
  ): void {
    const report = new EvaluationReport(oos);
    const started = performance.now();
    for (const example of test) {
      const result = classifier.classify(example.text);
      const predicted =
        oos !== null && (result.empty || result.confidence < (threshold ?? 0)) ? oos : result.label;
      report.add(example.label, predicted);
    }
    const seconds = (performance.now() - started) / 1000;
    this.print(report.summary(), test.length / seconds, threshold, oos);
  }

  private print(
    summary: EvaluationSummary,
    perSecond: number,
    threshold: number | null,
    oos: string | null,
  ): void {
    const pct = (x: number): string => `${(100 * x).toFixed(2)}%`;
    const { io } = this;
    io.out(`test examples: ${summary.examples}`);
    io.out(`accuracy: ${pct(summary.accuracy)}`);
    if (oos !== null) io.out(`in-scope accuracy: ${pct(summary.inScopeAccuracy)}`);
    io.out(`macro-F1: ${pct(summary.macroF1)}`);
    if (oos !== null) {
      const recall =
        summary.outOfScopeRecall === null
          ? 'n/a (no out-of-scope test examples)'
          : pct(summary.outOfScopeRecall);
      io.out(`out-of-scope recall ("${oos}", threshold ${threshold ?? 'none'}): ${recall}`);
    }
    io.out(`speed: ${Math.round(perSecond)} classifications/s`);
    io.out('per class (precision / recall / F1 / support):');
    const width = Math.max(...summary.perClass.map((c) => c.label.length), 5);
    for (const c of summary.perClass) {
      io.out(
        `  ${c.label.padEnd(width)}  ${pct(c.precision).padStart(7)}  ${pct(c.recall).padStart(7)}  ${pct(c.f1).padStart(7)}  ${c.support}`,
      );
    }
    io.out('most confused (actual -> predicted: count):');
    for (const c of summary.confusions) io.out(`  ${c.actual} -> ${c.predicted}: ${c.count}`);
  }

  private static megabytes(bytes: number): string {
    return (bytes / 1024 / 1024).toFixed(1);
  }
}
