import { ChildProcess, execFileSync, spawn, spawnSync } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EmbeddedRedisServer } from '../../redis/src/embedded-redis-server';

/** Finds initdb/pg_ctl on PATH or in Debian's /usr/lib/postgresql/<version>/bin. */
function findPostgresBin(): string | null {
  if (spawnSync('pg_ctl', ['--version'], { stdio: 'ignore' }).status === 0) return '';
  const root = '/usr/lib/postgresql';
  if (!existsSync(root)) return null;
  const versions = readdirSync(root).sort((a, b) => Number(b) - Number(a));
  for (const version of versions) {
    const bin = join(root, version, 'bin');
    if (existsSync(join(bin, 'pg_ctl'))) return bin;
  }
  return null;
}

/**
 * A private PostgreSQL cluster on a free port for the test run. initdb refuses to run as root, so as
 * root the cluster belongs to the `postgres` user and the binaries run through runuser.
 */
export class PrivatePostgres {
  /** `statementStats`: load pg_stat_statements (for a benchmark's per-statement figures). */
  constructor(private readonly options: { statementStats?: boolean } = {}) {}

  private dir = '';
  private runAs: string[] = [];
  private bin = '';
  url = '';
  private child: ChildProcess | null = null;

  static isInstalled(): boolean {
    return findPostgresBin() !== null;
  }

  private command(name: string): [string, string[]] {
    const path = this.bin ? join(this.bin, name) : name;
    return this.runAs.length ? ['runuser', [...this.runAs, '--', path]] : [path, []];
  }

  private run(name: string, args: string[]): void {
    const [command, prefix] = this.command(name);
    execFileSync(command, [...prefix, ...args], { stdio: 'pipe' });
  }

  async start(): Promise<string> {
    const bin = findPostgresBin();
    if (bin === null)
      throw new Error(
        'PostgreSQL server binaries (initdb, pg_ctl) are not installed: apt-get install postgresql',
      );
    this.bin = bin;
    this.dir = mkdtempSync(join(tmpdir(), 'centralino-pg-'));
    if (process.getuid?.() === 0) {
      this.runAs = ['-u', 'postgres'];
      const uid = Number(execFileSync('id', ['-u', 'postgres']).toString().trim());
      const gid = Number(execFileSync('id', ['-g', 'postgres']).toString().trim());
      chownSync(this.dir, uid, gid);
    }
    this.run('initdb', ['-D', this.dir, '-A', 'trust', '-U', 'postgres', '--no-sync']);
    const port = await EmbeddedRedisServer.freePort();
    const [command, prefix] = this.command('postgres');
    this.child = spawn(
      command,
      [
        ...prefix,
        '-D',
        this.dir,
        '-p',
        String(port),
        '-k',
        this.dir,
        '-c',
        'listen_addresses=127.0.0.1',
        '-c',
        'fsync=off',
        '-c',
        'max_connections=300',
        ...(this.options.statementStats
          ? ['-c', 'shared_preload_libraries=pg_stat_statements', '-c', 'pg_stat_statements.track=all']
          : []),
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    await new Promise<void>((ready, fail) => {
      let output = '';
      const onData = (chunk: Buffer) => {
        output += chunk.toString();
        if (output.includes('ready to accept connections')) ready();
      };
      this.child!.stdout!.on('data', onData);
      this.child!.stderr!.on('data', onData);
      this.child!.once('exit', (code) =>
        fail(new Error(`postgres exited with code ${code}: ${output.slice(-500)}`)),
      );
    });
    this.url = `postgres://postgres@127.0.0.1:${port}/postgres`;
    return this.url;
  }

  /** The postmaster's process id (its backends are its children), e.g. for a benchmark's CPU accounting. */
  postmasterPid(): number | null {
    const pidFile = join(this.dir, 'postmaster.pid');
    return existsSync(pidFile) ? Number(readFileSync(pidFile, 'utf8').split('\n')[0]) : null;
  }

  async stop(): Promise<void> {
    const child = this.child;
    if (child && child.exitCode === null) {
      const exited = new Promise<void>((done) => child.once('exit', () => done()));
      // Signal the postmaster itself: runuser does not pass signals on to it.
      const pid = this.postmasterPid() ?? child.pid;
      try {
        process.kill(pid!, 'SIGINT');
      } catch {
        child.kill('SIGINT');
      }
      const timeout = new Promise<'timeout'>((done) => setTimeout(() => done('timeout'), 10_000).unref());
      if ((await Promise.race([exited, timeout])) === 'timeout') {
        try {
          process.kill(pid!, 'SIGKILL');
        } catch {
          /* already gone */
        }
        child.kill('SIGKILL');
      }
    }
    if (this.dir) rmSync(this.dir, { recursive: true, force: true });
  }
}
