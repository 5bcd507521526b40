import { readFileSync, writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parse, stringify } from 'yaml';

/**
 * Writes a variant of a test front office (by default test/fixtures/front-office.test.yaml) to a
 * temporary file and returns its path, e.g. with more operators for load and concurrency tests.
 */
export function writeFixtureConfig(
  change: (config: Record<string, unknown>) => void,
  base = 'front-office.test.yaml',
): string {
  const fixtures = resolve(__dirname, '../fixtures');
  const config = parse(readFileSync(join(fixtures, base), 'utf8')) as Record<string, unknown>;
  // Paths inside the config are relative to it: keep them pointing at the same files from the copy.
  if (typeof config.triageExamplesFile === 'string') {
    config.triageExamplesFile = resolve(fixtures, config.triageExamplesFile);
  }
  change(config);
  const path = join(mkdtempSync(join(tmpdir(), 'centralino-config-')), 'front-office.yaml');
  writeFileSync(path, stringify(config));
  return path;
}

/** Adds `count` billing operators op01..opNN (password "centralino") to a fixture config. */
export function withBillingOperators(count: number) {
  return (config: Record<string, unknown>) => {
    const operators = config.operators as { passwordHash: string }[];
    for (let i = 1; i <= count; i++) {
      operators.push({
        username: `op${String(i).padStart(2, '0')}`,
        displayName: `Operator ${i}`,
        passwordHash: operators[0].passwordHash,
        languages: ['it'],
        skills: { billing: 5 },
      } as never);
    }
  };
}
