export { DirectoryMatcher } from './directory-matcher';
export type { DirectoryMatcherOptions } from './directory-matcher';
export type { DirectoryEntry, DirectoryMatch } from './directory-entry';
export { StringSimilarity } from './string-similarity';
