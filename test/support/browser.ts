import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BrowserContext, chromium, Page } from 'playwright-core';

// Functions given to page.evaluate / waitForFunction run in the page; this Node-only project has no DOM
// types, so the little they use is declared here.
interface PageElement {
  textContent: string | null;
  getAttribute(name: string): string | null;
}
declare const document: {
  querySelector(selector: string): PageElement | null;
  querySelectorAll(selector: string): Iterable<PageElement>;
  documentElement: { scrollWidth: number };
};
declare const window: { innerWidth: number };
declare const sessionStorage: { getItem(key: string): string | null };

/** Debian's Chromium (`apt-get install chromium`, see .ci/install-chromium.sh); never a downloaded browser. */
export const CHROMIUM = '/usr/bin/chromium';

export interface TestBrowser {
  context: BrowserContext;
  close(): Promise<void>;
}

/** Starts headless Chromium with a fresh profile directory. */
export async function startBrowser(): Promise<TestBrowser> {
  const profile = mkdtempSync(join(tmpdir(), 'centralino-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    viewport: { width: 1280, height: 800 },
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--autoplay-policy=no-user-gesture-required',
    ],
  });
  return {
    context,
    async close() {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

/** Waits until the element's trimmed text matches. */
export async function waitForText(
  page: Page,
  selector: string,
  expected: string | RegExp,
  timeoutMs = 10_000,
): Promise<string> {
  const pattern =
    typeof expected === 'string' ? `^${expected.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$` : expected.source;
  await page
    .waitForFunction(
      ([sel, source]) => {
        const text = document.querySelector(sel)?.textContent?.trim() ?? '';
        return new RegExp(source).test(text);
      },
      [selector, pattern] as const,
      { timeout: timeoutMs },
    )
    .catch(async (error: Error) => {
      const actual = await page
        .locator(selector)
        .first()
        .textContent()
        .catch(() => null);
      throw new Error(
        `${selector}: expected ${String(expected)}, found ${JSON.stringify(actual)} (${error.message})`,
      );
    });
  return ((await page.locator(selector).first().textContent()) ?? '').trim();
}

/** True if the page does not scroll sideways at its current viewport. */
export function fitsWidth(page: Page): Promise<boolean> {
  return page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth);
}

/** Waits for a line of the console's activity log. */
export async function waitForLog(page: Page, pattern: RegExp, timeoutMs = 10_000): Promise<void> {
  await page.waitForFunction(
    (source) =>
      [...document.querySelectorAll('#log li')].some((item) =>
        new RegExp(source).test(item.textContent ?? ''),
      ),
    pattern.source,
    { timeout: timeoutMs },
  );
}

/** Waits until an element's attribute differs from `previous`. */
export async function waitForAttributeChange(
  page: Page,
  selector: string,
  attribute: string,
  previous: string | null,
  timeoutMs = 10_000,
): Promise<void> {
  await page.waitForFunction(
    ([sel, name, before]) => document.querySelector(sel)?.getAttribute(name) !== before,
    [selector, attribute, previous] as const,
    { timeout: timeoutMs },
  );
}

/** A JSON value the page keeps in sessionStorage. */
export async function sessionValue<T>(page: Page, key: string): Promise<T | null> {
  return JSON.parse((await page.evaluate((name) => sessionStorage.getItem(name), key)) ?? 'null') as T | null;
}
