import { startTestService, TEST_PASSWORD, TestService } from '../support/test-service';

async function login(url: string, username: string, password: string, ip: string) {
  const response = await fetch(`${url}/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-forwarded-for': ip },
    body: JSON.stringify({ username, password }),
  });
  return {
    status: response.status,
    retryAfter: response.headers.get('retry-after'),
    body: await response.json(),
  };
}

/** Password guessing: failed logins are counted per username and client address. */
describe('Login rate limit per username and IP', () => {
  let service: TestService;

  beforeAll(async () => {
    service = await startTestService('pglite', {
      LOGIN_FAILURES_PER_USER_IP: '3',
      LOGIN_FAILURES_WINDOW_SECONDS: '600',
      TRUST_PROXY: 'true',
    });
  }, 120_000);

  afterAll(async () => {
    await service.stop();
  });

  it('refuses further attempts with 429 and Retry-After, even with the right password', async () => {
    const attacker = '203.0.113.50';
    const statuses: number[] = [];
    for (let attempt = 0; attempt < 3; attempt++) {
      statuses.push((await login(service.url, 'anna', 'guess-' + attempt, attacker)).status);
    }
    expect(statuses).toEqual([401, 401, 401]);

    const limited = await login(service.url, 'anna', TEST_PASSWORD, attacker);
    expect(limited.status).toBe(429);
    expect(Number(limited.retryAfter)).toBeGreaterThan(500);
    expect(Number(limited.retryAfter)).toBeLessThanOrEqual(600);
    expect(limited.body).toEqual({
      statusCode: 429,
      error: 'rate_limited',
      message: expect.stringMatching(/Too many failed logins.*retry in \d+ seconds/),
      details: { retryAfterSeconds: Number(limited.retryAfter) },
    });
    // The same username with different case is the same account.
    expect((await login(service.url, 'ANNA', TEST_PASSWORD, attacker)).status).toBe(429);
    const metrics = await (await fetch(`${service.url}/metrics`)).text();
    expect(metrics).toMatch(/centralino_http_rate_limited_total\{route_class="login"\} 2\n/);

    // anna from her own address, and another user from the attacker's address, still log in.
    expect((await login(service.url, 'anna', TEST_PASSWORD, '198.51.100.8')).status).toBe(200);
    expect((await login(service.url, 'bruno', TEST_PASSWORD, attacker)).status).toBe(200);
  });

  it('a successful login forgets the earlier failures', async () => {
    const ip = '192.0.2.44';
    for (let attempt = 0; attempt < 2; attempt++) {
      expect((await login(service.url, 'carla', 'wrong-password', ip)).status).toBe(401);
    }
    expect((await login(service.url, 'carla', TEST_PASSWORD, ip)).status).toBe(200);
    for (let attempt = 0; attempt < 3; attempt++) {
      expect((await login(service.url, 'carla', 'wrong-password', ip)).status).toBe(401);
    }
    expect((await login(service.url, 'carla', 'wrong-password', ip)).status).toBe(429);
  });
});
