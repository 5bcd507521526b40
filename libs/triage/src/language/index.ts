export { LanguageDetector } from './language-detector';
export type { DetectedLanguage } from './language-detector';
