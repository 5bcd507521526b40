import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';

/** The part of the `eld` package (Efficient Language Detector, Apache-2.0) used here. */
export interface EldResult {
  language: string;
  getScores(): Record<string, number>;
}

export interface Eld {
  detect(text: string): EldResult;
}

/**
 * Loads the `eld` detector with its "small" n-gram database (about 45 MB of heap, shared by every
 * LanguageDetector in the process). `eld` is an ES module that only declares an "import" export
 * condition, so it is required by file path: Node ≥ 20.19 loads ES modules through require(), and
 * jest compiles it (it is listed in jest.config.js esmPackages).
 */
export class EldLoader {
  private static instance: Eld | undefined;

  static load(): Eld {
    if (EldLoader.instance) return EldLoader.instance;
    const localRequire = createRequire(__filename);
    for (const dir of localRequire.resolve.paths('eld') ?? []) {
      const entry = join(dir, 'eld', 'src', 'entries', 'static.small.js');
      if (existsSync(entry)) {
        const loaded = localRequire(entry) as { eld: Eld };
        EldLoader.instance = loaded.eld;
        return loaded.eld;
      }
    }
    throw new Error('language detection needs the "eld" package: run npm install');
  }
}
