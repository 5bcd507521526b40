import { writeFixtureConfig } from '../support/fixture-config';
import { requestJson, withStaff, bearer } from '../support/staff';
import { startTestService, TEST_PASSWORD, TestService } from '../support/test-service';
import { postJson } from '../support/webhook-client';

// A protected route any logged-in user may call: 404 (unknown contact) proves the token was accepted.
const PROBE = '/contacts/00000000-0000-4000-8000-000000000000';
const ACCESS_TTL_SECONDS = 2;

interface Session {
  accessToken: string;
  refreshToken: string;
  expiresIn: number;
  refreshExpiresIn: number;
}

async function login(url: string, username: string): Promise<Session> {
  const { status, body } = await postJson(url, '/auth/login', { username, password: TEST_PASSWORD });
  expect(status).toBe(200);
  return body as unknown as Session;
}

const probe = (url: string, accessToken: string) =>
  requestJson(url, 'GET', PROBE, { authorization: `Bearer ${accessToken}` });

const refresh = (url: string, refreshToken: string) => postJson(url, '/auth/refresh', { refreshToken });

/** Polls until the access token is refused (its expiry passed), however slow the machine is. */
async function untilExpired(url: string, accessToken: string): ReturnType<typeof requestJson> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const result = await probe(url, accessToken);
    if (result.status !== 404 || Date.now() > deadline) return result;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

describe('Sessions: short-lived access tokens, rotating refresh tokens', () => {
  let service: TestService;

  beforeAll(async () => {
    service = await startTestService('pglite', {
      FRONT_OFFICE_CONFIG: writeFixtureConfig(withStaff),
      JWT_TTL_SECONDS: String(ACCESS_TTL_SECONDS),
    });
  }, 120_000);

  afterAll(async () => {
    await service.stop();
  });

  it('an access token expires; the refresh token gets a new one, once', async () => {
    const session = await login(service.url, 'anna');
    expect(session).toMatchObject({
      expiresIn: ACCESS_TTL_SECONDS,
      refreshExpiresIn: 43200,
      refreshToken: expect.stringMatching(/^rt_/),
    });
    expect((await probe(service.url, session.accessToken)).status).toBe(404);

    const expired = await untilExpired(service.url, session.accessToken);
    expect(expired.status).toBe(401);
    expect(expired.body).toMatchObject({
      error: 'unauthenticated',
      message: expect.stringMatching(/expired/),
    });

    const renewed = await refresh(service.url, session.refreshToken);
    expect(renewed.status).toBe(200);
    const next = renewed.body as unknown as Session;
    expect(next.refreshToken).not.toBe(session.refreshToken);
    expect(next.accessToken).not.toBe(session.accessToken);
    expect((await probe(service.url, next.accessToken)).status).toBe(404);

    // The next refresh token works in its turn, and every one is single use.
    const third = await refresh(service.url, next.refreshToken);
    expect(third.status).toBe(200);
    const again = await refresh(service.url, next.refreshToken);
    expect(again.status).toBe(401);
    expect(again.body.message).toMatch(/already used/);
  });

  it('a refresh token used twice (copied) revokes its whole family', async () => {
    const session = await login(service.url, 'bruno');
    const first = (await refresh(service.url, session.refreshToken)).body as unknown as Session;
    // Someone replays the spent token: refused, and the live token of the same login dies with it.
    expect((await refresh(service.url, session.refreshToken)).status).toBe(401);
    const live = await refresh(service.url, first.refreshToken);
    expect(live.status).toBe(401);
    // Another login of the same user (another console) is not affected.
    const other = await login(service.url, 'bruno');
    expect((await refresh(service.url, other.refreshToken)).status).toBe(200);
  });

  it('logout revokes the refresh tokens of every session of the user', async () => {
    const console1 = await login(service.url, 'carla');
    const console2 = await login(service.url, 'carla');
    const logout = await fetch(`${service.url}/auth/logout`, {
      method: 'POST',
      headers: { authorization: `Bearer ${console1.accessToken}` },
    });
    expect(logout.status).toBe(204);
    for (const session of [console1, console2]) {
      const refused = await refresh(service.url, session.refreshToken);
      expect(refused.status).toBe(401);
      expect(refused.body.message).toMatch(/revoked/);
    }
  });

  it('a new password set by an admin revokes the refresh tokens', async () => {
    const session = await login(service.url, 'sara');
    const admin = await bearer(service.url, 'root');
    const changed = await requestJson(service.url, 'POST', '/admin/users/sara/password', admin, {
      password: 'a-brand-new-password',
    });
    expect(changed.status).toBe(200);
    const refused = await refresh(service.url, session.refreshToken);
    expect(refused.status).toBe(401);
    expect(refused.body.message).toMatch(/revoked/);
  });

  it('refuses a malformed or unknown refresh token with a clear 4xx', async () => {
    const missing = await postJson(service.url, '/auth/refresh', {});
    expect(missing.status).toBe(400);
    expect(missing.body).toMatchObject({ error: 'validation_failed', message: /refreshToken/ });
    const unknown = await refresh(service.url, 'rt_not-a-token-we-issued');
    expect(unknown.status).toBe(401);
  });
});
