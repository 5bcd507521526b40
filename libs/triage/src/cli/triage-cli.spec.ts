import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TextClassifier } from '../classifier/text-classifier';
import { SMALL_TRAINING_SET } from '../classifier/fixtures.spec-data';
import { TriageCli } from './triage-cli';

describe('TriageCli', () => {
  const dir = mkdtempSync(join(tmpdir(), 'triage-cli-'));
  const csv = (rows: { text: string; label: string }[]): string =>
    'text,label\n' + rows.map((r) => `"${r.text.replace(/"/g, '""')}",${r.label}`).join('\n') + '\n';
  const trainFile = join(dir, 'train.csv');
  writeFileSync(trainFile, csv(SMALL_TRAINING_SET));
  const testFile = join(dir, 'test.json');
  writeFileSync(
    testFile,
    JSON.stringify([
      ['la fattura è sbagliata', 'billing'],
      ['my router does not work', 'technical_support'],
      ['where is my parcel', 'orders'],
      ['what is the meaning of life', 'oos'],
    ]),
  );
  const run = (...argv: string[]): { code: number; out: string; err: string } => {
    const out: string[] = [];
    const err: string[] = [];
    const code = new TriageCli({ out: (l) => out.push(l), err: (l) => err.push(l) }).run(argv);
    return { code, out: out.join('\n'), err: err.join('\n') };
  };

  it('evaluates and prints accuracy, macro-F1, per-class figures, confusions and speed', () => {
    const { code, out } = run(
      'eval',
      '--train',
      trainFile,
      '--test',
      testFile,
      '--threshold',
      '0.99',
      '--oos-label',
      'oos',
    );
    expect(code).toBe(0);
    expect(out).toMatch(/trained on 36 examples, 3 labels/);
    expect(out).toMatch(/accuracy: \d+\.\d\d%/);
    expect(out).toMatch(/in-scope accuracy: /);
    expect(out).toMatch(/macro-F1: /);
    expect(out).toMatch(/out-of-scope recall \("oos", threshold 0\.99\): 100\.00%/);
    expect(out).toMatch(/speed: \d+ classifications\/s/);
    expect(out).toMatch(/billing\s+\d/);
    expect(out).toMatch(/most confused/);
  });

  it('gets the easy in-scope test examples right without a threshold', () => {
    const { code, out } = run('eval', '--train', trainFile, '--test', testFile);
    expect(code).toBe(0);
    // 3 of 4 right: the out-of-scope sentence cannot be, without a threshold.
    expect(out).toMatch(/accuracy: 75\.00%/);
  });

  it('trains and writes a model file that loads back', () => {
    const out = join(dir, 'model.json');
    const result = run('train', '--train', trainFile, '--out', out);
    expect(result.code).toBe(0);
    const model = TextClassifier.fromJSON(JSON.parse(readFileSync(out, 'utf8')));
    expect(model.classify('where is my order').label).toBe('orders');
  });

  it('names the broken line of a training file and exits non-zero', () => {
    const broken = join(dir, 'broken.csv');
    writeFileSync(broken, 'text,label\nok one,a\nok two,b\n"unterminated,c\n');
    const { code, err } = run('train', '--train', broken, '--out', join(dir, 'x.json'));
    expect(code).toBe(2);
    expect(err).toContain('broken.csv:4: unterminated quoted field');
  });

  it('prints usage on a bad command or missing arguments', () => {
    expect(run('frobnicate').code).toBe(2);
    expect(run('eval', '--train', trainFile).err).toMatch(/usage:/);
    expect(run('eval', '--train', trainFile, '--test', testFile, '--threshold', '7').code).toBe(2);
    expect(run('--help').code).toBe(0);
  });
});
