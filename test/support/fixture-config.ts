import { readFileSync, writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parse, stringify } from 'yaml';

/**
 * Writes a variant of the test front office (test/fixtures/front-office.test.yaml) to a temporary file
 * and returns its path, e.g. with more operators for load and concurrency tests.
 */
export function writeFixtureConfig(change: (config: Record<string, unknown>) => void): string {
  const config = parse(
    readFileSync(resolve(__dirname, '../fixtures/front-office.test.yaml'), 'utf8'),
  ) as Record<string, unknown>;
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
