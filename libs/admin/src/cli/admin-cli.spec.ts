import { DomainError } from '@centralino/contacts';
import { UserAdminService, UserView } from '../user-admin.service';
import { AdminCli, CliIo } from './admin-cli';

const user = (overrides: Partial<UserView> = {}): UserView => ({
  id: '00000000-0000-4000-8000-000000000001',
  username: 'elena',
  displayName: 'Elena',
  role: 'operator',
  skills: { tech: 3, billing: 8 },
  languages: ['it'],
  team: null,
  endpoint: null,
  capacity: { voice: 1, chat: 3 },
  active: true,
  hasPassword: false,
  managedBy: 'admin',
  ...overrides,
});

/** The CLI against a recording stand-in for the service: what each command line asks the service. */
function setup(stdin = '') {
  const calls: { method: string; args: unknown[] }[] = [];
  const record =
    (method: string) =>
    async (...args: unknown[]) => {
      calls.push({ method, args });
      if (args[1] === 'nobody') throw new DomainError('not_found', 'No user nobody');
      return user();
    };
  const service = {
    list: async () => [user()],
    create: record('create'),
    update: record('update'),
    setPassword: record('setPassword'),
  } as unknown as UserAdminService;
  const out: string[] = [];
  const err: string[] = [];
  const io: CliIo = {
    out: (line) => out.push(line),
    err: (line) => err.push(line),
    readStdin: async () => stdin,
  };
  return { cli: new AdminCli(service, io), calls, out, err };
}

describe('AdminCli', () => {
  it('turns create options into the admin API fields, password from stdin, actor cli', async () => {
    const { cli, calls, out } = setup('a-long-password\n');
    const code = await cli.run([
      'users',
      'create',
      'elena',
      '--name',
      'Elena',
      '--languages',
      'it, en',
      '--skills',
      'billing=8,tech=3',
      '--team',
      'front',
      '--voice',
      '0',
      '--chat',
      '5',
      '--password-stdin',
    ]);
    expect(code).toBe(0);
    expect(calls).toEqual([
      {
        method: 'create',
        args: [
          'cli',
          expect.objectContaining({
            username: 'elena',
            displayName: 'Elena',
            languages: ['it', 'en'],
            skills: { billing: 8, tech: 3 },
            team: 'front',
            capacity: { voice: 0, chat: 5 },
            password: 'a-long-password',
            role: 'operator',
          }),
        ],
      },
    ]);
    // Skills sorted, one tab-separated line per user.
    expect(out).toEqual([
      'elena\toperator\tactive\tteam=-\tlanguages=it\tskills=billing=8,tech=3\tvoice=1\tchat=3\tmanagedBy=admin',
    ]);
  });

  it('maps the shorthand commands to updates', async () => {
    const { cli, calls } = setup();
    expect(await cli.run(['users', 'team', 'elena', 'none'])).toBe(0);
    expect(await cli.run(['users', 'capacity', 'elena', '--chat', '8'])).toBe(0);
    expect(await cli.run(['users', 'disable', 'elena'])).toBe(0);
    expect(calls.map((call) => call.args[2])).toEqual([
      { team: null },
      { capacity: { chat: 8 } },
      { active: false },
    ]);
  });

  it('refuses bad input before calling the service, with exit code 1 and the field', async () => {
    const { cli, calls, err } = setup('short');
    expect(await cli.run(['users', 'skills', 'elena', 'billing'])).toBe(1);
    expect(await cli.run(['users', 'skills', 'elena', 'billing=0'])).toBe(1);
    expect(await cli.run(['users', 'password', 'elena', '--password-stdin'])).toBe(1);
    expect(await cli.run(['users', 'password', 'elena'])).toBe(1);
    expect(calls).toEqual([]);
    expect(err).toEqual([
      'error: skills: "billing" is not skill=level',
      expect.stringMatching(/^error: skills\.billing: /),
      'error: password: at least 10 characters',
      'error: give the password on stdin: --password-stdin',
    ]);
  });

  it('reports a domain refusal with exit code 1, and an unknown command with the usage and 2', async () => {
    const { cli, err } = setup();
    expect(await cli.run(['users', 'enable', 'nobody'])).toBe(1);
    expect(err).toEqual(['error: No user nobody']);
    expect(await cli.run(['groups'])).toBe(2);
    expect(err[1]).toMatch(/^usage: npm run admin/);
  });
});
