import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { parse } from 'yaml';
import { z } from 'zod';
import { ConfigError } from './config-error';
import { formatZodIssues } from './format-zod-issues';
import { FrontOfficeConfigData, frontOfficeSchema, ProblemTypeConfig } from './front-office.schema';

const examplesFileSchema = z.record(z.string(), z.record(z.string(), z.array(z.string())));

/**
 * The front office an admin describes in YAML: problem types (one queue each), operators, directory,
 * business hours. Validated once at start-up; lookups used on the hot path are precomputed here.
 */
export class FrontOfficeConfig {
  private readonly byId: Map<string, ProblemTypeConfig>;
  private readonly byDigit: Map<string, ProblemTypeConfig>;

  constructor(readonly data: FrontOfficeConfigData) {
    this.byId = new Map(data.problemTypes.map((type) => [type.id, type]));
    this.byDigit = new Map(data.problemTypes.filter((type) => type.digit).map((type) => [type.digit!, type]));
  }

  static load(path: string): FrontOfficeConfig {
    let raw: unknown;
    try {
      raw = parse(readFileSync(path, 'utf8'));
    } catch (error) {
      throw new ConfigError(`Cannot read front-office config ${path}: ${(error as Error).message}`);
    }
    return FrontOfficeConfig.fromObject(raw, path);
  }

  static fromObject(raw: unknown, path = '(inline)'): FrontOfficeConfig {
    const parsed = frontOfficeSchema.safeParse(raw);
    if (!parsed.success) {
      throw new ConfigError(`Invalid front-office config ${path}:\n${formatZodIssues(parsed.error)}`);
    }
    const data = parsed.data;
    if (data.triageExamplesFile && path !== '(inline)') {
      FrontOfficeConfig.mergeExamples(data, resolve(dirname(path), data.triageExamplesFile));
    }
    return new FrontOfficeConfig(data);
  }

  private static mergeExamples(data: FrontOfficeConfigData, file: string): void {
    let parsed;
    try {
      parsed = examplesFileSchema.safeParse(parse(readFileSync(file, 'utf8')));
    } catch (error) {
      throw new ConfigError(`Cannot read triage examples ${file}: ${(error as Error).message}`);
    }
    if (!parsed.success)
      throw new ConfigError(`Invalid triage examples ${file}:\n${formatZodIssues(parsed.error)}`);
    for (const [typeId, byLanguage] of Object.entries(parsed.data)) {
      const type = data.problemTypes.find((candidate) => candidate.id === typeId);
      if (!type) throw new ConfigError(`Triage examples ${file}: ${typeId} is not one of the problemTypes`);
      for (const [language, examples] of Object.entries(byLanguage)) {
        type.examples[language] = [...(type.examples[language] ?? []), ...examples];
      }
    }
  }

  get problemTypes(): ProblemTypeConfig[] {
    return this.data.problemTypes;
  }

  problemType(id: string): ProblemTypeConfig | undefined {
    return this.byId.get(id);
  }

  problemTypeByDigit(digit: string): ProblemTypeConfig | undefined {
    return this.byDigit.get(digit);
  }

  /** The skill an operator needs for a queue. */
  skillFor(problemTypeId: string): string {
    return this.byId.get(problemTypeId)?.skill ?? problemTypeId;
  }

  get queueIds(): string[] {
    return this.data.problemTypes.map((type) => type.id);
  }

  /** The calendar a queue follows: its own `businessHours`, else the company's. */
  businessHoursFor(problemTypeId: string): FrontOfficeConfigData['businessHours'] {
    return this.byId.get(problemTypeId)?.businessHours ?? this.data.businessHours;
  }

  get receptionQueue(): string {
    return this.data.routing.receptionQueue;
  }

  /** A prompt in the caller's language, falling back to the company's default language. */
  prompt(kind: 'greeting' | 'queued' | 'clarify', language: string | null | undefined): string | undefined {
    const texts = this.data.prompts[kind];
    if (!texts) return undefined;
    return (
      (language && texts[language]) || texts[this.data.company.defaultLanguage] || Object.values(texts)[0]
    );
  }
}
