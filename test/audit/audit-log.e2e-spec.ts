import { writeFixtureConfig } from '../support/fixture-config';
import { bearer, requestJson, withStaff } from '../support/staff';
import { startTestService, TestService } from '../support/test-service';

describe('Audit log (GET /admin/audit)', () => {
  let service: TestService;
  let admin: Record<string, string>;

  beforeAll(async () => {
    service = await startTestService('pglite', { FRONT_OFFICE_CONFIG: writeFixtureConfig(withStaff) });
    admin = await bearer(service.url, 'root');
  }, 120_000);

  afterAll(async () => {
    await service.stop();
  });

  it('records an admin action with who, what and when, and filters by actor, action and time', async () => {
    const before = new Date(Date.now() - 1000).toISOString();
    const retrain = await requestJson(service.url, 'POST', '/admin/triage/retrain', admin);
    expect(retrain.status).toBe(200);

    const all = await requestJson(service.url, 'GET', '/admin/audit?action=triage.retrain', admin);
    expect(all.status).toBe(200);
    expect(all.body.entries).toEqual([
      {
        id: expect.any(String),
        at: expect.any(String),
        actorId: expect.any(String),
        actor: 'root',
        actorRole: 'admin',
        action: 'triage.retrain',
        target: null,
        details: expect.objectContaining({ examples: retrain.body.examples }),
      },
    ]);
    const at = Date.parse(all.body.entries[0].at);
    expect(at).toBeGreaterThanOrEqual(Date.parse(before));

    const byPrefix = await requestJson(service.url, 'GET', '/admin/audit?action=triage.*&actor=root', admin);
    expect(byPrefix.body.entries.map((entry: { action: string }) => entry.action)).toEqual([
      'triage.retrain',
    ]);
    const otherActor = await requestJson(service.url, 'GET', '/admin/audit?actor=sara', admin);
    expect(otherActor.body.entries).toEqual([]);
    const later = new Date(at + 1).toISOString();
    const afterwards = await requestJson(service.url, 'GET', `/admin/audit?from=${later}`, admin);
    expect(afterwards.body.entries).toEqual([]);
    const until = await requestJson(
      service.url,
      'GET',
      `/admin/audit?to=${later}&action=triage.retrain`,
      admin,
    );
    expect(until.body.entries).toHaveLength(1);
  });

  it('answers a bad filter with 400 and the reason', async () => {
    const badDate = await requestJson(service.url, 'GET', '/admin/audit?from=yesterday', admin);
    expect(badDate.status).toBe(400);
    expect(badDate.body).toMatchObject({
      error: 'validation_failed',
      message: expect.stringMatching(/^from:/),
    });
    const wildcard = await requestJson(service.url, 'GET', '/admin/audit?action=%25', admin);
    expect(wildcard.status).toBe(400);
    const limit = await requestJson(service.url, 'GET', '/admin/audit?limit=0', admin);
    expect(limit.status).toBe(400);
  });

  it('is for admins only', async () => {
    for (const username of ['anna', 'sara']) {
      const refused = await requestJson(
        service.url,
        'GET',
        '/admin/audit',
        await bearer(service.url, username),
      );
      expect(refused.status).toBe(403);
    }
    expect((await requestJson(service.url, 'GET', '/admin/audit', {})).status).toBe(401);
  });
});
