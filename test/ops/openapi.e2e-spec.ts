import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { QUEUE_BOARD_PATH } from '@centralino/admin';
import { WEB_PAGES } from '@centralino/web';
import { startTestService, TestService } from '../support/test-service';

/** Routes that are not part of the REST API: the web pages (their assets are wildcard routes). */
const HTML_PAGES: string[] = Object.keys(WEB_PAGES);

/** Every route Fastify has registered, as "METHOD /path/{param}", from its route tree. */
function registeredRoutes(tree: string): string[] {
  const routes: string[] = [];
  const stack: string[] = [];
  for (const line of tree.split('\n')) {
    const match = /^([│├└─\s]*)(\S.*?) \(([A-Z, ]+)\)$/.exec(line);
    if (!match) continue;
    const depth = match[1].length / 4;
    stack.length = depth;
    stack.push(match[2]);
    const path = stack.join('');
    for (const method of match[3].split(', ')) routes.push(`${method} ${path}`);
  }
  return routes;
}

describe('OpenAPI at /docs', () => {
  let service: TestService;

  beforeAll(async () => {
    service = await startTestService('pglite');
  }, 60_000);

  afterAll(async () => {
    await service.stop();
  });

  it('documents every REST route Fastify serves, generated from the code', async () => {
    const response = await fetch(`${service.url}/docs/json`);
    expect(response.status).toBe(200);
    const document = (await response.json()) as {
      openapi: string;
      paths: Record<string, Record<string, { responses?: unknown }>>;
    };
    expect(document.openapi).toMatch(/^3\./);
    const documented = Object.entries(document.paths)
      .flatMap(([path, operations]) =>
        Object.keys(operations).map((method) => `${method.toUpperCase()} ${path}`),
      )
      .sort();

    const fastify = (service.running.app as NestFastifyApplication).getHttpAdapter().getInstance();
    const served = registeredRoutes(fastify.printRoutes({ commonPrefix: false }))
      .filter((route) => !route.startsWith('HEAD ') && !route.startsWith('OPTIONS '))
      .map((route) => route.replace(/:(\w+)/g, '{$1}'))
      .filter((route) => {
        const path = route.split(' ')[1];
        // Bull Board's own UI and API (admin only, test/ops/queue-board.e2e-spec.ts), like Swagger UI's.
        return (
          !path.startsWith('/docs') &&
          !path.startsWith(QUEUE_BOARD_PATH) &&
          !path.includes('*') &&
          !HTML_PAGES.includes(path)
        );
      })
      .sort();

    expect(served).toEqual(
      expect.arrayContaining([
        'GET /health/live',
        'GET /health/ready',
        'GET /metrics',
        'POST /auth/login',
        'POST /webhooks/generic',
        'GET /contacts/{id}',
      ]),
    );
    expect(documented).toEqual([...new Set(served)]);
  });

  it('serves Swagger UI with the security headers', async () => {
    const page = await fetch(`${service.url}/docs`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/text\/html/);
    expect(page.headers.get('content-security-policy')).toMatch(/script-src 'self'/);
    expect(await page.text()).toContain('swagger-ui');
    const init = await fetch(`${service.url}/docs/swagger-ui-init.js`);
    expect(init.status).toBe(200);
    expect(await init.text()).toContain('/webhooks/generic');
    const yaml = await fetch(`${service.url}/docs/yaml`);
    expect(await yaml.text()).toMatch(/^openapi: 3\./m);
  });
});
