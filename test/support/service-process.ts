import { ChildProcess, spawn } from 'node:child_process';
import { resolve } from 'node:path';

const ROOT = resolve(__dirname, '../..');

/**
 * centralino in a child process (TypeScript compiled on the fly by @swc-node/register), for tests of
 * separate roles, several dispatchers and crashes. Its JSON log lines are kept for assertions.
 */
export class ServiceProcess {
  readonly logs: Record<string, unknown>[] = [];
  url: string | null = null;

  private constructor(readonly child: ChildProcess) {}

  /** `nodeArgs`: extra Node options for the child (e.g. `--cpu-prof` from a benchmark). */
  static async start(
    env: Record<string, string>,
    timeoutMs = 60_000,
    nodeArgs: string[] = [],
  ): Promise<ServiceProcess> {
    const child = spawn(
      process.execPath,
      [...nodeArgs, '-r', '@swc-node/register', 'test/support/run-service.ts'],
      {
        cwd: ROOT,
        env: { ...process.env, SWC_NODE_PROJECT: resolve(ROOT, 'tsconfig.json'), ...env },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    const service = new ServiceProcess(child);
    let stderr = '';
    child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    await new Promise<void>((ready, fail) => {
      const timer = setTimeout(
        () => fail(new Error(`service did not start: ${stderr.slice(-2000)}`)),
        timeoutMs,
      );
      let buffer = '';
      child.stdout!.on('data', (chunk: Buffer) => {
        buffer += chunk.toString();
        let newline: number;
        while ((newline = buffer.indexOf('\n')) >= 0) {
          const line = buffer.slice(0, newline);
          buffer = buffer.slice(newline + 1);
          if (line.startsWith('READY ')) {
            const url = line.slice(6).trim();
            service.url = url === '-' ? null : url;
            clearTimeout(timer);
            ready();
          } else if (line.startsWith('{')) {
            try {
              service.logs.push(JSON.parse(line) as Record<string, unknown>);
            } catch {
              /* not a log line */
            }
          }
        }
      });
      child.once('exit', (code) => {
        clearTimeout(timer);
        fail(new Error(`service exited with ${code}: ${stderr.slice(-2000)}`));
      });
    });
    return service;
  }

  get alive(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  /** Kills without any chance to clean up, like a crashed machine. */
  async kill(): Promise<void> {
    if (!this.alive) return;
    await new Promise<void>((done) => {
      this.child.once('exit', () => done());
      this.child.kill('SIGKILL');
    });
  }

  async stop(): Promise<number | null> {
    if (!this.alive) return this.child.exitCode;
    return new Promise((done) => {
      this.child.once('exit', (code) => done(code));
      this.child.kill('SIGTERM');
    });
  }
}
