export { DatasetLoader } from './dataset-loader';
export { DatasetError } from './dataset-error';
export { EvaluationReport } from './evaluation-report';
export type { ClassMetrics, EvaluationSummary } from './evaluation-report';
export { TriageCli } from './triage-cli';
export type { CliOutput } from './triage-cli';
