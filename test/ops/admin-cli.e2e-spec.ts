import { OperatorClient } from '../support/operator-client';
import { runAdminCli } from '../support/admin-cli';
import { writeFixtureConfig } from '../support/fixture-config';
import { bearer, requestJson, withStaff } from '../support/staff';
import { startTestService, TestService } from '../support/test-service';
import { postJson } from '../support/webhook-client';

const PROBE = '/contacts/00000000-0000-4000-8000-000000000000';

/** `npm run admin`: the admin tasks from a shell, through the same services as the REST API. */
describe('Admin CLI', () => {
  let service: TestService;
  let admin: Record<string, string>;
  const cli = (args: string[], stdin?: string) => runAdminCli(service.env, args, stdin);

  beforeAll(async () => {
    // PostgreSQL: the CLI is a second process on the service's database.
    service = await startTestService('postgres', { FRONT_OFFICE_CONFIG: writeFixtureConfig(withStaff) });
    admin = await bearer(service.url, 'root');
  }, 120_000);

  afterAll(async () => {
    await service.stop();
  });

  it('creates a user with skills, languages, team and capacity, who then logs in; audited as cli', async () => {
    const created = await cli(
      [
        'users',
        'create',
        'elena',
        '--name',
        'Elena Neri',
        '--languages',
        'it,en',
        '--skills',
        'billing=8,tech=3',
        '--team',
        'front',
        '--voice',
        '1',
        '--chat',
        '5',
        '--password-stdin',
      ],
      'elena-long-password\n',
    );
    expect(created).toMatchObject({ code: 0, stderr: '' });
    expect(created.stdout).toMatch(
      /^elena\toperator\tactive\tteam=front\tlanguages=it,en\tskills=billing=8,tech=3\tvoice=1\tchat=5/,
    );

    const users = await requestJson(service.url, 'GET', '/admin/users', admin);
    expect(users.body.users.find((user: { username: string }) => user.username === 'elena')).toMatchObject({
      displayName: 'Elena Neri',
      skills: { billing: 8, tech: 3 },
      languages: ['it', 'en'],
      team: 'front',
      capacity: { voice: 1, chat: 5 },
      managedBy: 'admin',
      hasPassword: true,
    });
    expect(
      (await postJson(service.url, '/auth/login', { username: 'elena', password: 'elena-long-password' }))
        .status,
    ).toBe(200);
    const audit = await requestJson(service.url, 'GET', '/admin/audit?target=user:elena', admin);
    expect(audit.body.entries).toEqual([expect.objectContaining({ actor: 'cli', action: 'user.create' })]);
  });

  it('lists users, and changes skills, languages, capacity and team', async () => {
    const list = await cli(['users', 'list']);
    expect(list.code).toBe(0);
    const names = list.stdout
      .trim()
      .split('\n')
      .map((row) => row.split('\t')[0]);
    expect(names).toEqual(expect.arrayContaining(['anna', 'bruno', 'carla', 'sara', 'root']));
    const json = JSON.parse((await cli(['users', 'list', '--json'])).stdout) as { username: string }[];
    expect(json.map((user) => user.username)).toEqual(expect.arrayContaining(names));

    expect((await cli(['users', 'skills', 'bruno', 'tech=9'])).code).toBe(0);
    expect((await cli(['users', 'languages', 'bruno', 'en,de'])).code).toBe(0);
    expect((await cli(['users', 'capacity', 'bruno', '--voice', '0', '--chat', '7'])).code).toBe(0);
    const team = await cli(['users', 'team', 'bruno', 'none']);
    expect(team.stdout).toMatch(
      /^bruno\toperator\tactive\tteam=-\tlanguages=en,de\tskills=tech=9\tvoice=0\tchat=7/,
    );
    const users = await requestJson(service.url, 'GET', '/admin/users', admin);
    expect(users.body.users.find((user: { username: string }) => user.username === 'bruno')).toMatchObject({
      skills: { tech: 9 },
      languages: ['en', 'de'],
      team: null,
      capacity: { voice: 0, chat: 7 },
    });
  });

  it('disabling a user logs them out at once on the running service', async () => {
    const { token } = await OperatorClient.login(service.url, 'carla');
    const headers = { authorization: `Bearer ${token}` };
    expect((await requestJson(service.url, 'GET', PROBE, headers)).status).toBe(404);
    const disabled = await cli(['users', 'disable', 'carla']);
    expect(disabled.code).toBe(0);
    expect(disabled.stdout).toMatch(/^carla\toperator\tdisabled/);
    const refused = await requestJson(service.url, 'GET', PROBE, headers);
    expect(refused.status).toBe(401);
    expect(
      (await postJson(service.url, '/auth/login', { username: 'carla', password: 'centralino' })).status,
    ).toBe(401);
    expect((await cli(['users', 'enable', 'carla'])).code).toBe(0);
    expect(
      (await postJson(service.url, '/auth/login', { username: 'carla', password: 'centralino' })).status,
    ).toBe(200);
  });

  it('refuses bad input with the field and a non-zero exit, changing nothing', async () => {
    const bad = await cli(['users', 'create', 'Bad!', '--name', 'X', '--languages', 'it']);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/username: lowercase username/);
    const level = await cli(['users', 'skills', 'anna', 'billing=11']);
    expect(level.code).toBe(1);
    expect(level.stderr).toMatch(/skills\.billing/);
    const unknown = await cli(['users', 'disable', 'nobody']);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toMatch(/nobody/);
    const option = await cli(['users', 'update', 'anna', '--colour', 'red']);
    expect(option.code).toBe(1);
    expect(option.stderr).toMatch(/colour/);
    const usage = await cli(['users', 'frobnicate']);
    expect(usage.code).toBe(2);
    expect(usage.stderr).toMatch(/usage: npm run admin/);
    const shortPassword = await cli(['users', 'password', 'anna', '--password-stdin'], 'short\n');
    expect(shortPassword.code).toBe(1);
    expect(shortPassword.stderr).toMatch(/password: at least 10 characters/);
    // anna still logs in with her password.
    expect(
      (await postJson(service.url, '/auth/login', { username: 'anna', password: 'centralino' })).status,
    ).toBe(200);
  });
});
