import { startTestService, TestService } from '../support/test-service';
import { postGenericWebhook } from '../support/webhook-client';

const ALLOWED_ORIGIN = 'https://switchboard.example.com';

async function login(url: string, headers: Record<string, string> = {}) {
  return fetch(`${url}/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ username: 'anna', password: 'wrong-password' }),
  });
}

describe('HTTP hardening', () => {
  let service: TestService;

  beforeAll(async () => {
    service = await startTestService('pglite', {
      CORS_ORIGINS: ALLOWED_ORIGIN,
      RATE_LIMIT_LOGIN_PER_MINUTE: '5',
      // As behind a load balancer: the client is the address in X-Forwarded-For.
      TRUST_PROXY: 'true',
    });
  });

  afterAll(async () => {
    await service.stop();
  });

  it('sends security headers on every response', async () => {
    for (const path of ['/health/live', '/contacts/00000000-0000-4000-8000-000000000000', '/nowhere']) {
      const response = await fetch(`${service.url}${path}`);
      expect(response.headers.get('x-content-type-options')).toBe('nosniff');
      expect(response.headers.get('x-frame-options')).toBe('SAMEORIGIN');
      expect(response.headers.get('strict-transport-security')).toMatch(/max-age=/);
      expect(response.headers.get('content-security-policy')).toMatch(/default-src 'self'/);
      expect(response.headers.get('referrer-policy')).toBe('no-referrer');
      expect(response.headers.get('x-powered-by')).toBeNull();
    }
  });

  it('allows CORS only for the configured origins', async () => {
    const preflight = (origin: string) =>
      fetch(`${service.url}/auth/login`, {
        method: 'OPTIONS',
        headers: {
          origin,
          'access-control-request-method': 'POST',
          'access-control-request-headers': 'content-type',
        },
      });
    const allowed = await preflight(ALLOWED_ORIGIN);
    expect(allowed.status).toBeLessThan(300);
    expect(allowed.headers.get('access-control-allow-origin')).toBe(ALLOWED_ORIGIN);
    const other = await preflight('https://evil.example.net');
    expect(other.headers.get('access-control-allow-origin')).toBeNull();

    const simple = await fetch(`${service.url}/health/live`, {
      headers: { origin: 'https://evil.example.net' },
    });
    expect(simple.headers.get('access-control-allow-origin')).toBeNull();
  });

  it("answers Fastify's own refusals with the uniform error body", async () => {
    const tooLarge = await postGenericWebhook(service.url, { id: 'x', padding: 'a'.repeat(2 * 1024 * 1024) });
    expect(tooLarge).toEqual({
      status: 413,
      body: { statusCode: 413, error: 'payload_too_large', message: expect.any(String) },
    });

    const missing = await fetch(`${service.url}/no/such/route`);
    expect(missing.status).toBe(404);
    expect(await missing.json()).toEqual({
      statusCode: 404,
      error: 'not_found',
      message: expect.any(String),
    });

    const wrongType = await fetch(`${service.url}/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-something' },
      body: 'username=anna',
    });
    expect(wrongType.status).toBe(415);
    expect(await wrongType.json()).toEqual({
      statusCode: 415,
      error: 'unsupported_media_type',
      message: expect.any(String),
    });

    const malformed = await fetch(`${service.url}/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"username": ',
    });
    expect(malformed.status).toBe(400);
    expect(await malformed.json()).toEqual({
      statusCode: 400,
      error: 'bad_request',
      message: expect.any(String),
    });
  });

  it('never returns a stack trace', async () => {
    const responses = await Promise.all([
      fetch(`${service.url}/contacts/not-a-uuid`, { headers: { authorization: 'Bearer nope' } }),
      fetch(`${service.url}/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: '[',
      }),
    ]);
    for (const response of responses) {
      const text = await response.text();
      expect(text).not.toMatch(/\bat .*\.(ts|js):\d+/);
      expect(Object.keys(JSON.parse(text) as object).sort()).toEqual(
        expect.arrayContaining(['error', 'message', 'statusCode']),
      );
    }
  });

  it('rate-limits login per client with 429 and Retry-After, leaving other clients and route classes alone', async () => {
    const flooder = { 'x-forwarded-for': '203.0.113.7' };
    const statuses: number[] = [];
    let limited: Response | null = null;
    for (let attempt = 0; attempt < 8; attempt++) {
      const response = await login(service.url, flooder);
      statuses.push(response.status);
      if (response.status === 429) limited = response;
      else await response.body?.cancel();
    }
    expect(statuses.slice(0, 5)).toEqual([401, 401, 401, 401, 401]);
    expect(statuses.slice(5)).toEqual([429, 429, 429]);
    expect(Number(limited!.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(Number(limited!.headers.get('retry-after'))).toBeLessThanOrEqual(60);
    expect(await limited!.json()).toEqual({
      statusCode: 429,
      error: 'rate_limited',
      message: expect.stringMatching(/retry in/),
    });

    // Another client still gets in.
    expect((await login(service.url, { 'x-forwarded-for': '198.51.100.20' })).status).toBe(401);
    // Webhooks and health have their own budgets.
    const webhook = await postGenericWebhook(service.url, { type: 'call.ended', id: 'e', callId: 'nope' });
    expect(webhook.status).toBe(404);
    const health = await fetch(`${service.url}/health/live`);
    expect(health.status).toBe(200);
    const metrics = await (await fetch(`${service.url}/metrics`)).text();
    expect(metrics).toMatch(/centralino_http_rate_limited_total\{route_class="login"\} 3/);
  });
});
