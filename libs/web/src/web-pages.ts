import fastifyStatic from '@fastify/static';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** The pages, by their stable path. Each is a static HTML file plus plain ES modules under /ui/. */
export const WEB_PAGES = {
  '/console': 'console.html',
  '/dashboard': 'dashboard.html',
  '/inbox': 'inbox.html',
  '/chat-demo': 'chat-demo.html',
  '/reports': 'reports.html',
} as const;

/** Where the static assets are served from. */
export const WEB_ASSETS_PREFIX = '/ui/';

/**
 * The pages' directory: beside the sources (`libs/web/public`) whether this runs from TypeScript (tests,
 * tsx) or from the compiled `dist/libs/web/src`; there is no build step for the pages.
 */
export function webPublicDir(): string {
  const candidates = [join(__dirname, '../public'), join(__dirname, '../../../../libs/web/public')];
  const found = candidates.find((dir) => existsSync(join(dir, 'console.html')));
  if (!found) throw new Error(`The web pages are missing: looked in ${candidates.join(', ')}`);
  return found;
}

/**
 * Serves the operator console at /console, the supervisor dashboard at /dashboard, the departments'
 * inbox at /inbox and the reports at /reports (http role). The socket.io browser client is served by
 * socket.io itself at /socket.io/socket.io.js.
 */
export async function registerWebPages(app: NestFastifyApplication): Promise<void> {
  const root = webPublicDir();
  await app.register(fastifyStatic, {
    root,
    prefix: WEB_ASSETS_PREFIX,
    // Another @fastify/static (e.g. Swagger UI) may decorate the reply; these pages do not need it.
    decorateReply: false,
    index: false,
    cacheControl: true,
    maxAge: 0,
  });
  const fastify = app.getHttpAdapter().getInstance();
  for (const [path, file] of Object.entries(WEB_PAGES)) {
    const html = readFileSync(join(root, file));
    fastify.get(path, (_request, reply) => {
      void reply
        .header('content-type', 'text/html; charset=utf-8')
        .header('cache-control', 'no-cache')
        .send(html);
    });
  }
}
