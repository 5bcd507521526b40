import { parseArgs } from 'node:util';
import { ZodError } from 'zod';
import { DomainError } from '@centralino/contacts';
import { UserAdminService, UserView } from '../user-admin.service';
import { createUserSchema, updateUserSchema, usernameSchema, setPasswordSchema } from '../users.dto';

/** Audit actor of every change made from the command line. */
export const CLI_ACTOR = 'cli';

export interface CliIo {
  out(line: string): void;
  err(line: string): void;
  /** The whole of standard input (for `--password-stdin`). */
  readStdin(): Promise<string>;
}

/** Further command groups (privacy) plug in here, so this class stays about parsing and users. */
export interface CliCommandGroup {
  readonly name: string;
  readonly usage: string[];
  run(args: string[], io: CliIo): Promise<number>;
}

const USAGE = [
  'usage: npm run admin -- <group> <command> [options]',
  '',
  'users list [--json]',
  'users create <username> --name <display name> --languages it,en [--role operator|supervisor|admin]',
  '             [--skills billing=7,tech=3] [--team <id>] [--endpoint <sip:...>] [--voice 0|1] [--chat 0-20]',
  '             [--password-stdin]',
  'users update <username> [--name ...] [--role ...] [--skills ...] [--languages ...] [--team <id>|none]',
  '             [--endpoint ...|none] [--voice ...] [--chat ...]',
  'users skills <username> billing=7,tech=3      (replaces the skills)',
  'users languages <username> it,en',
  'users capacity <username> --voice 0|1 --chat 0-20',
  'users team <username> <team>|none',
  'users password <username> --password-stdin',
  'users disable <username>                     (also logs the user out everywhere)',
  'users enable <username>',
];

const PROFILE_OPTIONS = {
  name: { type: 'string' },
  role: { type: 'string' },
  skills: { type: 'string' },
  languages: { type: 'string' },
  team: { type: 'string' },
  endpoint: { type: 'string' },
  voice: { type: 'string' },
  chat: { type: 'string' },
  'password-stdin': { type: 'boolean' },
  json: { type: 'boolean' },
} as const;

/**
 * `npm run admin`: the admin tasks of the REST API from a shell, through the same services (so the
 * same validation, audit entries with actor `cli`, and token revocation).
 */
export class AdminCli {
  constructor(
    private readonly users: UserAdminService,
    private readonly io: CliIo,
    private readonly groups: CliCommandGroup[] = [],
  ) {}

  async run(argv: string[]): Promise<number> {
    const [group, ...rest] = argv;
    try {
      if (group === 'users') return await this.usersCommand(rest);
      const other = this.groups.find((candidate) => candidate.name === group);
      if (other) return await other.run(rest, this.io);
      this.usage();
      return group === undefined || group === 'help' || group === '--help' ? 0 : 2;
    } catch (error) {
      this.io.err(`error: ${describe(error)}`);
      return error instanceof DomainError || error instanceof ZodError || error instanceof TypeError ? 1 : 3;
    }
  }

  private usage(): void {
    for (const line of [...USAGE, ...this.groups.flatMap((group) => group.usage)]) this.io.err(line);
  }

  private async usersCommand(argv: string[]): Promise<number> {
    const [command, ...rest] = argv;
    const { values, positionals } = parseArgs({
      args: rest,
      options: PROFILE_OPTIONS,
      allowPositionals: true,
      strict: true,
    });
    const username = () => usernameSchema.parse(positionals[0] ?? '');
    switch (command) {
      case 'list': {
        const users = await this.users.list();
        if (values.json) this.io.out(JSON.stringify(users, null, 2));
        else for (const user of users) this.io.out(line(user));
        return 0;
      }
      case 'create': {
        const password = values['password-stdin'] ? await this.password() : undefined;
        const input = createUserSchema.parse({
          username: positionals[0],
          ...profile(values),
          ...(password === undefined ? {} : { password }),
        });
        return this.print(await this.users.create(CLI_ACTOR, input));
      }
      case 'update':
        return this.print(
          await this.users.update(CLI_ACTOR, username(), updateUserSchema.parse(profile(values))),
        );
      case 'skills':
        return this.print(
          await this.users.update(
            CLI_ACTOR,
            username(),
            updateUserSchema.parse({ skills: skills(positionals[1] ?? '') }),
          ),
        );
      case 'languages':
        return this.print(
          await this.users.update(
            CLI_ACTOR,
            username(),
            updateUserSchema.parse({ languages: list(positionals[1] ?? '') }),
          ),
        );
      case 'capacity':
        return this.print(
          await this.users.update(CLI_ACTOR, username(), updateUserSchema.parse(profile(values))),
        );
      case 'team':
        return this.print(
          await this.users.update(
            CLI_ACTOR,
            username(),
            updateUserSchema.parse({ team: orNone(positionals[1] ?? '') }),
          ),
        );
      case 'password': {
        if (!values['password-stdin']) throw new TypeError('give the password on stdin: --password-stdin');
        const { password } = setPasswordSchema.parse({ password: await this.password() });
        return this.print(await this.users.setPassword(CLI_ACTOR, username(), password));
      }
      case 'disable':
      case 'enable':
        return this.print(await this.users.update(CLI_ACTOR, username(), { active: command === 'enable' }));
      default:
        this.usage();
        return 2;
    }
  }

  /** Passwords come on stdin, never as arguments (they would stay in the shell history and `ps`). */
  private async password(): Promise<string> {
    return (await this.io.readStdin()).replace(/\r?\n$/, '');
  }

  private print(user: UserView): number {
    this.io.out(line(user));
    return 0;
  }
}

/** The options given, as the admin API's field names (absent options stay absent). */
function profile(values: Partial<Record<keyof typeof PROFILE_OPTIONS, string | boolean>>) {
  const text = (key: keyof typeof PROFILE_OPTIONS) =>
    typeof values[key] === 'string' ? (values[key] as string) : undefined;
  const result: Record<string, unknown> = {};
  if (text('name') !== undefined) result.displayName = text('name');
  if (text('role') !== undefined) result.role = text('role');
  if (text('skills') !== undefined) result.skills = skills(text('skills')!);
  if (text('languages') !== undefined) result.languages = list(text('languages')!);
  if (text('team') !== undefined) result.team = orNone(text('team')!);
  if (text('endpoint') !== undefined) result.endpoint = orNone(text('endpoint')!);
  const capacity: Record<string, number> = {};
  if (text('voice') !== undefined) capacity.voice = Number(text('voice'));
  if (text('chat') !== undefined) capacity.chat = Number(text('chat'));
  if (Object.keys(capacity).length > 0) result.capacity = capacity;
  return result;
}

function list(value: string): string[] {
  return value
    .split(',')
    .map((item) => item.trim())
    .filter(Boolean);
}

/** `billing=7,tech=3` → `{billing: 7, tech: 3}`; the schema then checks ids and levels. */
function skills(value: string): Record<string, number> {
  const result: Record<string, number> = {};
  for (const item of list(value)) {
    const [skill, level] = item.split('=');
    if (!skill || level === undefined) throw new TypeError(`skills: "${item}" is not skill=level`);
    result[skill] = Number(level);
  }
  return result;
}

function orNone(value: string): string | null {
  return value === 'none' ? null : value;
}

function line(user: UserView): string {
  const skillList = Object.entries(user.skills)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([skill, level]) => `${skill}=${level}`)
    .join(',');
  return [
    user.username,
    user.role,
    user.active ? 'active' : 'disabled',
    `team=${user.team ?? '-'}`,
    `languages=${user.languages.join(',')}`,
    `skills=${skillList || '-'}`,
    `voice=${user.capacity.voice}`,
    `chat=${user.capacity.chat}`,
    `managedBy=${user.managedBy}`,
  ].join('\t');
}

function describe(error: unknown): string {
  if (error instanceof ZodError) {
    return error.issues
      .map((issue) => `${issue.path.map(String).join('.') || '(input)'}: ${issue.message}`)
      .join('; ');
  }
  return error instanceof Error ? error.message : String(error);
}
