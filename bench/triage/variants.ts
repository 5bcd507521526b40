/**
 * Compares classifier settings on Banking77 the way bench/triage/run.ts measures the shipped one: the
 * mean accuracy over three stratified 10% hold-outs of train.csv (seeds 42, 7, 99), training without the
 * temperature hold-out (it does not change the winning class) to save time. Validation data only.
 *
 *   npx tsx bench/triage/variants.ts '{}' '{"svm":{"C":2}}' '{"features":{"minDf":3}}'
 *
 * Each argument is a JSON TrainOptions; '{}' is the shipped default.
 */
import { join, resolve } from 'node:path';
import {
  SeededRandom,
  TextClassifier,
  type LabelledText,
  type TrainOptions,
} from '../../libs/triage/src/classifier';
import { DatasetLoader } from '../../libs/triage/src/cli';

const DATASETS = resolve(__dirname, '../..', process.env.CENTRALINO_DATASETS ?? '../shared/datasets');
const SEEDS = [42, 7, 99];

function holdout(examples: LabelledText[], share: number, seed: number) {
  const byLabel = new Map<string, LabelledText[]>();
  for (const e of examples) byLabel.set(e.label, [...(byLabel.get(e.label) ?? []), e]);
  const random = new SeededRandom(seed);
  const train: LabelledText[] = [];
  const held: LabelledText[] = [];
  for (const label of [...byLabel.keys()].sort()) {
    const members = random.shuffle(byLabel.get(label) ?? []);
    const take = Math.round(members.length * share);
    held.push(...members.slice(0, take));
    train.push(...members.slice(take));
  }
  return { train, held };
}

function main(): void {
  const all = DatasetLoader.load(join(DATASETS, 'banking77/train.csv'));
  const variants = process.argv.slice(2).map((arg) => JSON.parse(arg) as TrainOptions);
  for (const options of variants.length > 0 ? variants : [{}]) {
    const accuracies: number[] = [];
    let seconds = 0;
    for (const seed of SEEDS) {
      const { train, held } = holdout(all, 0.1, seed);
      const started = performance.now();
      const classifier = TextClassifier.train(train, { seed: 42, calibrationHoldout: 0, ...options });
      seconds += (performance.now() - started) / 1000;
      const right = held.filter((e) => classifier.classify(e.text).label === e.label).length;
      accuracies.push(right / held.length);
    }
    const mean = accuracies.reduce((a, b) => a + b, 0) / accuracies.length;
    const each = accuracies.map((a) => (100 * a).toFixed(2)).join(' / ');
    process.stdout.write(
      `${JSON.stringify(options)}: mean ${(100 * mean).toFixed(2)}% (${each}), ` +
        `${(seconds / SEEDS.length).toFixed(1)} s per training without calibration\n`,
    );
  }
}

main();
