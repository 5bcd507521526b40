import type { DirectoryEntry } from './directory-entry';
import { DirectoryMatcher } from './directory-matcher';

const ENTRIES: DirectoryEntry[] = [
  {
    id: 'accounting',
    kind: 'department',
    name: 'Amministrazione',
    aliases: ['accounting', 'contabilità', 'contabilidad', 'contabilitate'],
    extension: '101',
  },
  {
    id: 'hr',
    kind: 'department',
    name: 'Risorse umane',
    aliases: ['human resources', 'HR', 'recursos humanos'],
  },
  { id: 'warehouse', kind: 'department', name: 'Magazzino', aliases: ['warehouse', 'almacén', 'depozit'] },
  { id: 'maria-rossi', kind: 'person', name: 'Maria Rossi', aliases: [], phone: '+390200000201' },
  { id: 'luca-bianchi', kind: 'person', name: 'Luca Bianchi', aliases: [] },
];

describe('DirectoryMatcher', () => {
  const matcher = new DirectoryMatcher(ENTRIES);

  it.each([
    ["vorrei parlare con l'amministrazione", 'accounting'],
    ['accounting, please', 'accounting'],
    ['puedo hablar con Maria Rossi', 'maria-rossi'],
    ['passami il signor Bianchi', 'luca-bianchi'],
    ['can I speak to Mr Bianchi?', 'luca-bianchi'],
    ['aș dori să vorbesc cu contabilitatea', 'accounting'],
    ['mi passa le risorse umane?', 'hr'],
    ['quiero hablar con el almacen', 'warehouse'],
    ['HR please', 'hr'],
  ])('resolves %j to %s', (text, id) => {
    const result = matcher.match(text);
    expect(result?.entry.id).toBe(id);
    expect(result?.score).toBeGreaterThanOrEqual(0.6);
  });

  it.each([
    ['passami il signor Bianki', 'luca-bianchi'],
    ['vorrei parlare con la contabilita', 'accounting'],
    ['il magazino per favore', 'warehouse'],
    ['MARÍA RÓSSI', 'maria-rossi'],
    ['put me through to Maria Rosi', 'maria-rossi'],
  ])('tolerates typos and accents: %j', (text, id) => {
    expect(matcher.match(text)?.entry.id).toBe(id);
  });

  it('scores an exact name above the same name with a typo', () => {
    const exact = matcher.match('passami il signor Bianchi');
    const typo = matcher.match('passami il signor Bianki');
    expect(exact?.score).toBeGreaterThan(typo?.score ?? 1);
  });

  it('keeps the extra fields of the entry', () => {
    expect(matcher.match('vorrei parlare con Maria Rossi')?.entry.phone).toBe('+390200000201');
  });

  it('ignores a name mentioned in passing when nobody is asked for', () => {
    expect(matcher.match('the invoice from accounting is wrong')).toBeNull();
    expect(matcher.match('my order is stuck in the warehouse since monday')).toBeNull();
  });

  it('returns null when no entry is named', () => {
    expect(matcher.match('ho un problema con la fattura')).toBeNull();
    expect(matcher.match('vorrei parlare con un operatore')).toBeNull();
  });

  it('lowers the score when two entries fit equally well', () => {
    const twins = new DirectoryMatcher([
      { id: 'a', kind: 'person', name: 'Anna Verdi' },
      { id: 'b', kind: 'person', name: 'Paolo Verdi' },
    ]);
    const surnameOnly = twins.match('passami Verdi');
    const full = twins.match('passami Anna Verdi');
    expect(full?.entry.id).toBe('a');
    expect(surnameOnly === null || surnameOnly.score < (full?.score ?? 0)).toBe(true);
  });

  it('restricts the ask-for phrases to the given language', () => {
    expect(matcher.match('vorrei parlare con Bianchi', 'it')?.entry.id).toBe('luca-bianchi');
    const english = matcher.match('vorrei parlare con Bianchi', 'en');
    const italian = matcher.match('vorrei parlare con Bianchi', 'it');
    expect((english?.score ?? 0) < (italian?.score ?? 0)).toBe(true);
  });

  it.each([
    '',
    '   ',
    '🙂',
    '<b>x</b>',
    "'; DROP TABLE x; --",
    'a'.repeat(100_000),
    undefined as unknown as string,
  ])('never throws on odd input %#', (text) => {
    expect(() => matcher.match(text)).not.toThrow();
  });

  it('copes with an empty or malformed directory', () => {
    expect(new DirectoryMatcher([]).match('passami Bianchi')).toBeNull();
    const odd = [{ id: 'x' } as unknown as DirectoryEntry, ...ENTRIES];
    expect(new DirectoryMatcher(odd).match('passami Bianchi')?.entry.id).toBe('luca-bianchi');
  });
});
