import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatasetError } from './dataset-error';
import { DatasetLoader } from './dataset-loader';

describe('DatasetLoader', () => {
  const dir = mkdtempSync(join(tmpdir(), 'triage-loader-'));
  const file = (name: string, content: string): string => {
    const path = join(dir, name);
    writeFileSync(path, content);
    return path;
  };
  const errorOf = (fn: () => unknown): DatasetError => {
    try {
      fn();
    } catch (error) {
      if (error instanceof DatasetError) return error;
      throw error;
    }
    throw new Error('expected a DatasetError');
  };

  it('reads CSV with a text/category header, quotes and quoted newlines', () => {
    const path = file(
      'a.csv',
      'text,category\n"hello, world",greet\n"two\nlines ""quoted""",multi\r\nplain,x\n',
    );
    expect(DatasetLoader.load(path)).toEqual([
      { text: 'hello, world', label: 'greet' },
      { text: 'two\nlines "quoted"', label: 'multi' },
      { text: 'plain', label: 'x' },
    ]);
  });

  it('accepts other column names and extra columns', () => {
    const path = file('b.csv', 'id,instruction,intent,response\n1,cancel my order,cancel_order,"sure, ok"\n');
    expect(DatasetLoader.load(path)).toEqual([{ text: 'cancel my order', label: 'cancel_order' }]);
  });

  it('names the line of a CSV row with the wrong number of fields', () => {
    const path = file('c.csv', 'text,label\nfine,a\nalso fine,b\nbroken,row,extra\n');
    const error = errorOf(() => DatasetLoader.load(path));
    expect(error.line).toBe(4);
    expect(error.message).toContain('c.csv:4:');
  });

  it('names the line where an unterminated quote starts', () => {
    const path = file('d.csv', 'text,label\nok,a\n"never closed,b\nmore,c\n');
    expect(errorOf(() => DatasetLoader.load(path)).line).toBe(3);
  });

  it('rejects a CSV header without text and label columns', () => {
    expect(errorOf(() => DatasetLoader.load(file('e.csv', 'foo,bar\n1,2\n'))).line).toBe(1);
  });

  it('reads TSV label<TAB>text and names a line without a tab', () => {
    const good = file('f.tsv', 'alarm/set\tsvegliami alle 7\nweather/find\tpioverà?\n');
    expect(DatasetLoader.load(good)).toEqual([
      { text: 'svegliami alle 7', label: 'alarm/set' },
      { text: 'pioverà?', label: 'weather/find' },
    ]);
    expect(errorOf(() => DatasetLoader.load(file('g.tsv', 'a\tone\nno tab here\n'))).line).toBe(2);
  });

  it('reads JSON arrays and CLINC-style splits', () => {
    const array = file('h.json', JSON.stringify([{ text: 'hi', label: 'greet' }, ['bye', 'leave']]));
    expect(DatasetLoader.load(array)).toEqual([
      { text: 'hi', label: 'greet' },
      { text: 'bye', label: 'leave' },
    ]);
    const clinc = file(
      'i.json',
      JSON.stringify({ train: [['a', 'x']], val: [['b', 'y']], oos_val: [['c', 'oos']] }),
    );
    expect(DatasetLoader.load(clinc)).toEqual([{ text: 'a', label: 'x' }]);
    expect(DatasetLoader.load(`${clinc}#val+oos_val`).map((e) => e.label)).toEqual(['y', 'oos']);
    expect(errorOf(() => DatasetLoader.load(`${clinc}#test`)).message).toMatch(/no split "test"/);
  });

  it('names the line of a JSON syntax error and of a bad entry', () => {
    expect(errorOf(() => DatasetLoader.load(file('j.json', '[\n["a", "x"],\n["b" "y"]\n]'))).line).toBe(3);
    const bad = errorOf(() => DatasetLoader.load(file('k.json', '[\n["a", "x"],\n["b"]\n]')));
    expect(bad.line).toBe(3);
    expect(bad.message).toMatch(/entry 2/);
  });

  it('reads xSID-style CoNLL and names a block without an intent', () => {
    const conll =
      '# id = 1\n# text-en = Rain?\n# text = Pioverà?\n# intent = weather/find\n1\tPioverà\tweather/find\tO\n\n# text = sveglia\n# intent = alarm/set\n';
    expect(DatasetLoader.load(file('l.conll', conll))).toEqual([
      { text: 'Pioverà?', label: 'weather/find' },
      { text: 'sveglia', label: 'alarm/set' },
    ]);
    const broken = '# text = ok\n# intent = a\n\n# text = missing intent\n1\tmissing\tx\tO\n\n';
    expect(errorOf(() => DatasetLoader.load(file('m.conll', broken))).line).toBe(4);
  });

  it('reports unreadable files, unknown formats and empty files', () => {
    expect(errorOf(() => DatasetLoader.load(join(dir, 'missing.csv'))).message).toMatch(/cannot read/);
    expect(errorOf(() => DatasetLoader.load(file('n.txt', 'x'))).message).toMatch(/unknown format/);
    expect(errorOf(() => DatasetLoader.load(file('o.csv', 'text,label\n'))).message).toMatch(
      /no labelled examples/,
    );
  });
});
