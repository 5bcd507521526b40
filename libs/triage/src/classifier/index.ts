export { TextClassifier } from './text-classifier';
export type {
  Classification,
  LabelledText,
  ScoredLabel,
  SerializedModel,
  TrainOptions,
} from './text-classifier';
export { TextNormalizer, MAX_INPUT_CHARS } from './text-normalizer';
export type { FeatureOptions } from './feature-extractor';
export type { SvmOptions } from './linear-svm-trainer';
export { SeededRandom } from './seeded-random';
