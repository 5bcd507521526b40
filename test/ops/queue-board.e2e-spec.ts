import { writeFixtureConfig } from '../support/fixture-config';
import { bearer, withStaff } from '../support/staff';
import { startTestService, TestService } from '../support/test-service';
import { postGenericWebhook } from '../support/webhook-client';

/** Bull Board at /admin/queues: every BullMQ queue, admins only. */
describe('Queue board (Bull Board) at /admin/queues', () => {
  let service: TestService;

  beforeAll(async () => {
    service = await startTestService('pglite', { FRONT_OFFICE_CONFIG: writeFixtureConfig(withStaff) });
  }, 120_000);

  afterAll(async () => {
    await service.stop();
  });

  /** An admin's browser session: the access token exchanged for the board's cookie. */
  async function session(username: string): Promise<{ status: number; cookie: string | null }> {
    const response = await fetch(`${service.url}/admin/queues/session`, {
      method: 'POST',
      headers: await bearer(service.url, username),
    });
    await response.body?.cancel();
    return { status: response.status, cookie: response.headers.get('set-cookie') };
  }

  it('shows every queue, with a waiting contact, to an admin (bearer or the board cookie)', async () => {
    const call = await postGenericWebhook(service.url, {
      id: 'evt_board',
      type: 'call.started',
      callId: 'board_1',
      from: '+393331234567',
      to: '+390200000000',
      digits: '1',
    });
    expect(call.body.state).toBe('queued');

    const admin = await bearer(service.url, 'root');
    const api = await fetch(
      `${service.url}/admin/queues/api/queues?activeQueue=contacts.billing&status=waiting`,
      {
        headers: admin,
      },
    );
    expect(api.status).toBe(200);
    const body = (await api.json()) as {
      queues: {
        name: string;
        readOnlyMode: boolean;
        counts: Record<string, number>;
        jobs: { id: string }[];
      }[];
    };
    const names = body.queues.map((queue) => queue.name);
    expect(names).toEqual(expect.arrayContaining(['contacts.billing', 'timers', 'deliveries']));
    const billing = body.queues.find((queue) => queue.name === 'contacts.billing')!;
    expect(billing.readOnlyMode).toBe(true);
    expect(billing.counts.waiting + (billing.counts.prioritized ?? 0)).toBeGreaterThanOrEqual(1);
    expect(billing.jobs.map((job) => job.id)).toContain(call.body.contactId);

    // Waiting lines are read-only: a contact cannot be removed behind the routing's back.
    const empty = await fetch(`${service.url}/admin/queues/api/queues/contacts.billing/empty`, {
      method: 'PUT',
      headers: admin,
    });
    expect(empty.status).toBe(405);
    expect(await empty.json()).toMatchObject({
      statusCode: 405,
      error: 'method_not_allowed',
      message: expect.stringMatching(/READ_ONLY/),
    });
    const still = await fetch(
      `${service.url}/admin/queues/api/queues?activeQueue=contacts.billing&status=waiting`,
      {
        headers: admin,
      },
    );
    expect(JSON.stringify(await still.json())).toContain(call.body.contactId as string);

    // Deliveries can be retried from the board; the change is audited.
    const retry = await fetch(`${service.url}/admin/queues/api/queues/deliveries/retry/failed`, {
      method: 'PUT',
      headers: admin,
    });
    expect(retry.status).toBe(200);
    const audit = await fetch(`${service.url}/admin/audit?action=queues.change`, { headers: admin });
    expect(((await audit.json()) as { entries: unknown[] }).entries).toEqual([
      expect.objectContaining({ actor: 'root', target: 'queue-board:deliveries/retry/failed' }),
    ]);

    const { status, cookie } = await session('root');
    expect(status).toBe(204);
    expect(cookie).toMatch(
      /^centralino_queues=[^;]+; Path=\/admin\/queues; HttpOnly; SameSite=Strict; Max-Age=\d+/,
    );
    const page = await fetch(`${service.url}/admin/queues`, { headers: { cookie: cookie!.split(';')[0]! } });
    expect(page.status).toBe(200);
    expect(await page.text()).toMatch(/<base href="\/admin\/queues\/?"/);
  });

  it('refuses an operator and a supervisor with 403, and anonymous callers with 401 or the sign-in page', async () => {
    for (const username of ['anna', 'sara']) {
      const api = await fetch(`${service.url}/admin/queues/api/queues`, {
        headers: await bearer(service.url, username),
      });
      expect(api.status).toBe(403);
      expect(await api.json()).toMatchObject({ statusCode: 403, error: 'forbidden' });
      expect((await session(username)).status).toBe(403);
    }
    const anonymous = await fetch(`${service.url}/admin/queues/api/queues`);
    expect(anonymous.status).toBe(401);
    expect(await anonymous.json()).toMatchObject({ error: 'unauthenticated' });
    const forged = await fetch(`${service.url}/admin/queues/api/queues`, {
      headers: { cookie: 'centralino_queues=not-a-token' },
    });
    expect(forged.status).toBe(401);
    const browser = await fetch(`${service.url}/admin/queues`, {
      headers: { accept: 'text/html' },
      redirect: 'manual',
    });
    expect(browser.status).toBe(302);
    expect(browser.headers.get('location')).toBe('/admin/queues/sign-in');
    const signIn = await fetch(`${service.url}/admin/queues/sign-in`);
    expect(signIn.status).toBe(200);
    expect(await signIn.text()).toMatch(/<form id="sign-in">/);
  });

  it('a logged-out admin’s board cookie stops working', async () => {
    const admin = await bearer(service.url, 'root');
    const response = await fetch(`${service.url}/admin/queues/session`, { method: 'POST', headers: admin });
    const cookie = response.headers.get('set-cookie')!.split(';')[0]!;
    expect((await fetch(`${service.url}/admin/queues/api/queues`, { headers: { cookie } })).status).toBe(200);
    expect((await fetch(`${service.url}/auth/logout`, { method: 'POST', headers: admin })).status).toBe(204);
    expect((await fetch(`${service.url}/admin/queues/api/queues`, { headers: { cookie } })).status).toBe(401);
  });
});
