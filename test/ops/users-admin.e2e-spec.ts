import { OperatorClient } from '../support/operator-client';
import { writeFixtureConfig } from '../support/fixture-config';
import { bearer, requestJson, withStaff } from '../support/staff';
import { startTestService, TEST_PASSWORD, TestService } from '../support/test-service';
import { postJson } from '../support/webhook-client';

// A protected route any logged-in user may call: 404 (unknown contact) proves the token was accepted.
const PROBE = '/contacts/00000000-0000-4000-8000-000000000000';

describe('Users and roles: admin API, logout and revocation', () => {
  let service: TestService;
  let admin: Record<string, string>;

  beforeAll(async () => {
    service = await startTestService('postgres', { FRONT_OFFICE_CONFIG: writeFixtureConfig(withStaff) });
    admin = await bearer(service.url, 'root');
  }, 120_000);

  afterAll(async () => {
    await service.stop();
  });

  it('lets an admin create a user who can then log in, and audits it', async () => {
    const created = await requestJson(service.url, 'POST', '/admin/users', admin, {
      username: 'dario',
      displayName: 'Dario',
      password: 'a-long-password',
      languages: ['it', 'en'],
      skills: { billing: 7 },
      team: 'front',
      capacity: { voice: 0, chat: 5 },
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      username: 'dario',
      role: 'operator',
      skills: { billing: 7 },
      capacity: { voice: 0, chat: 5 },
      active: true,
      hasPassword: true,
      managedBy: 'admin',
    });
    expect(JSON.stringify(created.body)).not.toMatch(/argon2/);
    const login = await postJson(service.url, '/auth/login', {
      username: 'dario',
      password: 'a-long-password',
    });
    expect(login.status).toBe(200);

    const again = await requestJson(service.url, 'POST', '/admin/users', admin, {
      username: 'dario',
      displayName: 'Dario',
      languages: ['it'],
    });
    expect(again.status).toBe(409);
    const audit = await requestJson(
      service.url,
      'GET',
      '/admin/audit?action=user.create&target=user:dario',
      admin,
    );
    expect(audit.body.entries).toEqual([expect.objectContaining({ actor: 'root', action: 'user.create' })]);
  });

  it('refuses bad user data with 400 and the field, and non-admins with 403', async () => {
    const bad = await requestJson(service.url, 'POST', '/admin/users', admin, {
      username: 'Eve!',
      displayName: 'Eve',
      languages: ['it'],
    });
    expect(bad.status).toBe(400);
    expect(bad.body).toMatchObject({
      error: 'validation_failed',
      message: expect.stringMatching(/^username:/),
    });
    const capacity = await requestJson(service.url, 'PATCH', '/admin/users/bruno', admin, {
      capacity: { voice: 2 },
    });
    expect(capacity.status).toBe(400);
    const empty = await requestJson(service.url, 'PATCH', '/admin/users/bruno', admin, {});
    expect(empty.status).toBe(400);
    const unknown = await requestJson(service.url, 'PATCH', '/admin/users/nobody', admin, {
      displayName: 'X',
    });
    expect(unknown.status).toBe(404);
    const operator = await bearer(service.url, 'anna');
    const refused = await requestJson(service.url, 'POST', '/admin/users', operator, {
      username: 'mallory',
      displayName: 'Mallory',
      languages: ['it'],
    });
    expect(refused.status).toBe(403);
  });

  it('logout revokes the access token for REST and for the socket handshake', async () => {
    const { token, operatorId } = await OperatorClient.login(service.url, 'bruno');
    const headers = { authorization: `Bearer ${token}` };
    expect((await requestJson(service.url, 'GET', PROBE, headers)).status).toBe(404);
    const logout = await fetch(`${service.url}/auth/logout`, { method: 'POST', headers });
    expect(logout.status).toBe(204);
    const after = await requestJson(service.url, 'GET', PROBE, headers);
    expect(after.status).toBe(401);
    expect(after.body.message).toMatch(/revoked/);
    await expect(OperatorClient.connectWithToken(service.url, token, operatorId)).rejects.toThrow(/revoked/);
    // A new login works again.
    expect((await requestJson(service.url, 'GET', PROBE, await bearer(service.url, 'bruno'))).status).toBe(
      404,
    );
  });

  it('disabling a user or setting their password revokes their tokens; role changes apply at once', async () => {
    const carla = await bearer(service.url, 'carla');
    const changed = await requestJson(service.url, 'POST', '/admin/users/carla/password', admin, {
      password: 'another-long-password',
    });
    expect(changed.status).toBe(200);
    expect((await requestJson(service.url, 'GET', PROBE, carla)).status).toBe(401);
    expect(
      (await postJson(service.url, '/auth/login', { username: 'carla', password: TEST_PASSWORD })).status,
    ).toBe(401);
    const fresh = await OperatorClient.login(service.url, 'carla', 'another-long-password');

    const promoted = await requestJson(service.url, 'PATCH', '/admin/users/carla', admin, {
      role: 'supervisor',
    });
    expect(promoted.body.role).toBe('supervisor');
    expect(
      (await requestJson(service.url, 'GET', PROBE, { authorization: `Bearer ${fresh.token}` })).status,
    ).toBe(401);

    const supervisor = await bearer(service.url, 'sara');
    const disabled = await requestJson(service.url, 'PATCH', '/admin/users/sara', admin, { active: false });
    expect(disabled.body.active).toBe(false);
    expect((await requestJson(service.url, 'GET', PROBE, supervisor)).status).toBe(401);
    expect(
      (await postJson(service.url, '/auth/login', { username: 'sara', password: TEST_PASSWORD })).status,
    ).toBe(401);
    const audit = await requestJson(service.url, 'GET', '/admin/audit?action=user.*', admin);
    expect(
      audit.body.entries.map(
        (entry: { action: string; target: string }) => `${entry.action} ${entry.target}`,
      ),
    ).toEqual(
      expect.arrayContaining([
        'user.set_password user:carla',
        'user.update user:carla',
        'user.disable user:sara',
      ]),
    );
  });

  it('keeps API edits when an instance starts and seeds from the front-office file', async () => {
    const edited = await requestJson(service.url, 'PATCH', '/admin/users/anna', admin, {
      displayName: 'Anna (edited)',
      skills: { billing: 9 },
    });
    expect(edited.body.managedBy).toBe('admin');
    // A second instance of the deployment runs the start-up seed against the same database.
    const second = await startTestService('postgres', service.env, { sameStoreAs: service });
    try {
      const users = await requestJson(second.url, 'GET', '/admin/users', await bearer(second.url, 'root'));
      const byName = Object.fromEntries(
        users.body.users.map((user: { username: string }) => [user.username, user]),
      );
      expect(byName.anna).toMatchObject({ displayName: 'Anna (edited)', skills: { billing: 9 } });
      expect(byName.bruno).toMatchObject({ displayName: 'Bruno', managedBy: 'config' });
      expect(byName.dario).toMatchObject({ managedBy: 'admin' });
    } finally {
      await second.stop();
    }
  }, 120_000);
});
