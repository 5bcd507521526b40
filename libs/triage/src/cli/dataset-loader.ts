import { readFileSync } from 'node:fs';
import { extname } from 'node:path';
import type { LabelledText } from '../classifier/text-classifier';
import { DatasetError } from './dataset-error';

const TEXT_COLUMNS = ['text', 'sentence', 'utterance', 'query', 'instruction'];
const LABEL_COLUMNS = ['label', 'category', 'intent'];

/**
 * Reads labelled utterances from the formats public intent data sets come in:
 * - CSV with a header naming a text column (text, sentence, utterance, query, instruction) and a
 *   label column (label, category, intent); RFC 4180 quoting, quoted newlines allowed;
 * - TSV `label<TAB>text` (or with a header as for CSV);
 * - JSON: an array of {text, label|intent|category} or [text, label], or an object of such arrays
 *   (CLINC150: {"train": [[text, label], ...], "val": ...}); pick splits with `file.json#val+oos_val`
 *   (default `train`);
 * - CoNLL as in xSID: blocks with `# text = ...` and `# intent = ...` comment lines.
 * A malformed file raises a DatasetError naming the line.
 */
export class DatasetLoader {
  static load(spec: string): LabelledText[] {
    const hash = spec.lastIndexOf('#');
    const file = hash > 0 ? spec.slice(0, hash) : spec;
    const splits =
      hash > 0
        ? spec
            .slice(hash + 1)
            .split('+')
            .filter(Boolean)
        : [];
    let content: string;
    try {
      content = readFileSync(file, 'utf8');
    } catch (error) {
      throw new DatasetError(file, null, `cannot read file (${(error as Error).message})`);
    }
    return DatasetLoader.parse(content, file, splits);
  }

  static parse(content: string, file: string, splits: string[] = []): LabelledText[] {
    const text = content.charCodeAt(0) === 0xfeff ? content.slice(1) : content;
    const extension = extname(file).toLowerCase();
    let examples: LabelledText[];
    if (extension === '.json') examples = DatasetLoader.parseJson(text, file, splits);
    else if (extension === '.conll' || extension === '.conllu')
      examples = DatasetLoader.parseConll(text, file);
    else if (extension === '.tsv') examples = DatasetLoader.parseTsv(text, file);
    else if (extension === '.csv') examples = DatasetLoader.parseDelimited(text, file, ',');
    else
      throw new DatasetError(file, null, `unknown format "${extension}" (use .csv, .tsv, .json or .conll)`);
    if (examples.length === 0) throw new DatasetError(file, null, 'no labelled examples found');
    return examples;
  }

  private static parseJson(content: string, file: string, splits: string[]): LabelledText[] {
    let data: unknown;
    try {
      data = JSON.parse(content);
    } catch (error) {
      const message = (error as Error).message;
      const position = /position (\d+)/.exec(message);
      const line = position ? content.slice(0, Number(position[1])).split('\n').length : null;
      throw new DatasetError(file, line, `invalid JSON (${message})`);
    }
    let entries: unknown[];
    if (Array.isArray(data)) {
      if (splits.length > 0) throw new DatasetError(file, null, 'this file has no named splits');
      entries = data;
    } else if (data !== null && typeof data === 'object') {
      const record = data as Record<string, unknown>;
      const wanted = splits.length > 0 ? splits : ['train'];
      entries = [];
      for (const split of wanted) {
        const part = record[split];
        if (!Array.isArray(part)) {
          throw new DatasetError(file, null, `no split "${split}" (has: ${Object.keys(record).join(', ')})`);
        }
        entries.push(...(part as unknown[]));
      }
    } else {
      throw new DatasetError(file, 1, 'expected an array of examples or an object of splits');
    }
    return entries.map((entry, i) => {
      let text: unknown;
      let label: unknown;
      if (Array.isArray(entry)) [text, label] = entry;
      else if (entry !== null && typeof entry === 'object') {
        const record = entry as Record<string, unknown>;
        text = TEXT_COLUMNS.map((c) => record[c]).find((v) => v !== undefined);
        label = LABEL_COLUMNS.map((c) => record[c]).find((v) => v !== undefined);
      }
      if (typeof text !== 'string' || typeof label !== 'string' || label.trim() === '') {
        const line = DatasetLoader.lineOfEntry(content, entry);
        throw new DatasetError(
          file,
          line,
          `entry ${i + 1} is not a {text, label} pair: ${JSON.stringify(entry)}`,
        );
      }
      return { text, label: label.trim() };
    });
  }

  /** Best-effort line of a JSON entry, found by searching for its serialised text. */
  private static lineOfEntry(content: string, entry: unknown): number | null {
    const needle = JSON.stringify(entry)?.slice(0, 40);
    const at = needle ? content.indexOf(needle) : -1;
    return at >= 0 ? content.slice(0, at).split('\n').length : null;
  }

  private static parseConll(content: string, file: string): LabelledText[] {
    const out: LabelledText[] = [];
    let text: string | null = null;
    let intent: string | null = null;
    let start = 0;
    const flush = (line: number): void => {
      if (text === null && intent === null) return;
      if (text === null || intent === null || intent === '') {
        throw new DatasetError(
          file,
          start,
          `sentence block ending at line ${line} lacks "# ${text === null ? 'text' : 'intent'} ="`,
        );
      }
      out.push({ text, label: intent });
      text = null;
      intent = null;
    };
    const lines = content.split(/\r?\n/);
    lines.forEach((line, i) => {
      const number = i + 1;
      if (line.trim() === '') {
        flush(number);
        return;
      }
      if (text === null && intent === null) start = number;
      const comment = /^#\s*([\w-]+)\s*[=:]\s?(.*)$/.exec(line);
      if (comment) {
        if (comment[1] === 'text') text = comment[2].trim();
        else if (comment[1] === 'intent') intent = comment[2].trim();
      } else if (!line.startsWith('#') && !/^\d+(-\d+)?\t/.test(line)) {
        throw new DatasetError(file, number, 'expected a "# key = value" comment or a numbered token line');
      }
    });
    flush(lines.length);
    return out;
  }

  private static parseTsv(content: string, file: string): LabelledText[] {
    const firstLine = content.slice(0, content.indexOf('\n') >>> 0).toLowerCase();
    const cells = firstLine.split('\t').map((c) => c.trim());
    if (cells.some((c) => TEXT_COLUMNS.includes(c)) && cells.some((c) => LABEL_COLUMNS.includes(c))) {
      return DatasetLoader.parseDelimited(content, file, '\t');
    }
    const out: LabelledText[] = [];
    content.split(/\r?\n/).forEach((line, i) => {
      if (line.trim() === '') return;
      const tab = line.indexOf('\t');
      const label = tab > 0 ? line.slice(0, tab).trim() : '';
      const text = tab > 0 ? line.slice(tab + 1).trim() : '';
      if (label === '' || text === '') throw new DatasetError(file, i + 1, 'expected "label<TAB>text"');
      out.push({ text, label });
    });
    return out;
  }

  private static parseDelimited(content: string, file: string, delimiter: string): LabelledText[] {
    const rows = DatasetLoader.splitRecords(content, file, delimiter);
    const header = rows.shift();
    if (!header) throw new DatasetError(file, 1, 'empty file');
    const names = header.cells.map((c) => c.trim().toLowerCase());
    const textColumn = TEXT_COLUMNS.map((c) => names.indexOf(c)).find((i) => i >= 0);
    const labelColumn = LABEL_COLUMNS.map((c) => names.indexOf(c)).find((i) => i >= 0);
    if (textColumn === undefined || labelColumn === undefined) {
      throw new DatasetError(
        file,
        1,
        `header must name a text column (${TEXT_COLUMNS.join('/')}) and a label column (${LABEL_COLUMNS.join('/')})`,
      );
    }
    const out: LabelledText[] = [];
    for (const row of rows) {
      if (row.cells.length === 1 && row.cells[0].trim() === '') continue;
      if (row.cells.length !== names.length) {
        throw new DatasetError(file, row.line, `expected ${names.length} fields, found ${row.cells.length}`);
      }
      const text = row.cells[textColumn].trim();
      const label = row.cells[labelColumn].trim();
      if (text === '' || label === '') throw new DatasetError(file, row.line, 'empty text or label');
      out.push({ text, label });
    }
    return out;
  }

  /** RFC 4180 records with the line each starts on. */
  private static splitRecords(
    content: string,
    file: string,
    delimiter: string,
  ): { line: number; cells: string[] }[] {
    const records: { line: number; cells: string[] }[] = [];
    let cells: string[] = [];
    let cell = '';
    let line = 1;
    let recordLine = 1;
    let quoted = false;
    let quoteLine = 0;
    let atCellStart = true;
    for (let i = 0; i < content.length; i++) {
      const ch = content[i];
      if (quoted) {
        if (ch === '"') {
          if (content[i + 1] === '"') {
            cell += '"';
            i++;
          } else {
            quoted = false;
            const next = content[i + 1];
            if (next !== undefined && next !== delimiter && next !== '\n' && next !== '\r') {
              throw new DatasetError(file, line, 'unexpected character after a closing quote');
            }
          }
        } else {
          if (ch === '\n') line++;
          cell += ch;
        }
        continue;
      }
      if (ch === '"' && atCellStart) {
        quoted = true;
        quoteLine = line;
        atCellStart = false;
      } else if (ch === delimiter) {
        cells.push(cell);
        cell = '';
        atCellStart = true;
      } else if (ch === '\n' || ch === '\r') {
        if (ch === '\r' && content[i + 1] === '\n') i++;
        cells.push(cell);
        records.push({ line: recordLine, cells });
        cells = [];
        cell = '';
        line++;
        recordLine = line;
        atCellStart = true;
      } else {
        cell += ch;
        atCellStart = false;
      }
    }
    if (quoted) throw new DatasetError(file, quoteLine, 'unterminated quoted field');
    if (cell !== '' || cells.length > 0) {
      cells.push(cell);
      records.push({ line: recordLine, cells });
    }
    return records;
  }
}
