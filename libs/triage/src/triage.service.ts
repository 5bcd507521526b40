import { Injectable } from '@nestjs/common';
import { FrontOfficeConfig } from '@centralino/config';
import { TriageDecision, TriageInput } from './triage-decision';

function normalize(text: string): string {
  return text
    .toLowerCase()
    .normalize('NFD')
    .replace(/\p{Diacritic}/gu, '')
    .replace(/\s+/g, ' ')
    .trim();
}

/**
 * Turns what a caller pressed or said into a problem type (a queue). An IVR digit from the menu wins;
 * otherwise the configured keywords are matched; anything unclear goes to the reception queue with the
 * reason recorded, never to a dead end.
 */
@Injectable()
export class TriageService {
  private readonly keywords: { problemType: string; language: string; keyword: string }[];

  constructor(private readonly frontOffice: FrontOfficeConfig) {
    this.keywords = frontOffice.problemTypes.flatMap((type) =>
      Object.entries(type.keywords).flatMap(([language, words]) =>
        words.map((keyword) => ({ problemType: type.id, language, keyword: normalize(keyword) })),
      ),
    );
  }

  classify(input: TriageInput): TriageDecision {
    const language = input.languageHint ?? null;
    const digit = input.digits?.trim().charAt(0);
    if (digit) {
      const type = this.frontOffice.problemTypeByDigit(digit);
      if (type) {
        return {
          problemType: type.id,
          language,
          confidence: 1,
          source: 'digits',
          reasons: [`pressed ${digit}`],
          alternatives: [],
        };
      }
    }
    const text = input.text ? normalize(input.text.slice(0, 2000)) : '';
    if (text) {
      const padded = ` ${text.replace(/[^\p{L}\p{N} ]/gu, ' ')} `;
      const scores = new Map<string, { hits: string[]; languages: Map<string, number> }>();
      for (const entry of this.keywords) {
        if (!padded.includes(` ${entry.keyword}`)) continue;
        const score = scores.get(entry.problemType) ?? { hits: [] as string[], languages: new Map<string, number>() };
        score.hits.push(entry.keyword);
        score.languages.set(entry.language, (score.languages.get(entry.language) ?? 0) + 1);
        scores.set(entry.problemType, score);
      }
      const ranked = [...scores.entries()].sort((a, b) => b[1].hits.length - a[1].hits.length);
      if (ranked.length > 0) {
        const total = ranked.reduce((sum, [, score]) => sum + score.hits.length, 0);
        const [best, score] = ranked[0];
        const detected = [...score.languages.entries()].sort((a, b) => b[1] - a[1])[0]?.[0] ?? null;
        return {
          problemType: best,
          language: language ?? detected,
          confidence: score.hits.length / total,
          source: 'text',
          reasons: score.hits.map((hit) => `"${hit}"`),
          alternatives: ranked
            .slice(1, 4)
            .map(([problemType, other]) => ({ problemType, confidence: other.hits.length / total })),
        };
      }
    }
    return {
      problemType: this.frontOffice.receptionQueue,
      language,
      confidence: 0,
      source: 'fallback',
      reasons: [text ? 'no known keyword' : 'nothing said or pressed'],
      alternatives: [],
    };
  }
}
