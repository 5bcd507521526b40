import { ChildProcess, spawn, spawnSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { createServer } from 'node:net';

export interface EmbeddedRedisOptions {
  binary?: string;
  /** Directory for the append-only file; omit for a server that keeps nothing on disk. */
  dataDir?: string;
  port?: number;
}

/**
 * A private `redis-server` child for a machine where nobody configured REDIS_URL: `npm start` and the test
 * setup use it so a new user needs no server running beforehand.
 */
export class EmbeddedRedisServer {
  private child: ChildProcess | null = null;
  url = '';

  constructor(private readonly options: EmbeddedRedisOptions = {}) {}

  static isInstalled(binary = 'redis-server'): boolean {
    return spawnSync(binary, ['--version'], { stdio: 'ignore' }).status === 0;
  }

  static freePort(): Promise<number> {
    return new Promise((resolvePort, reject) => {
      const server = createServer();
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => {
        const address = server.address();
        server.close(() => resolvePort(typeof address === 'object' && address ? address.port : 0));
      });
    });
  }

  async start(): Promise<string> {
    const binary = this.options.binary ?? 'redis-server';
    if (!EmbeddedRedisServer.isInstalled(binary)) {
      throw new Error(
        `redis-server is not installed: install it (Debian/Ubuntu: apt-get install redis-server; macOS: brew install redis) or set REDIS_URL`,
      );
    }
    const port = this.options.port ?? (await EmbeddedRedisServer.freePort());
    const args = ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--daemonize', 'no'];
    if (this.options.dataDir) {
      mkdirSync(this.options.dataDir, { recursive: true });
      args.push('--appendonly', 'yes', '--dir', this.options.dataDir);
    } else {
      args.push('--appendonly', 'no');
    }
    const child = spawn(binary, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    this.child = child;
    await new Promise<void>((ready, fail) => {
      let output = '';
      const onData = (chunk: Buffer) => {
        output += chunk.toString();
        if (output.includes('Ready to accept connections')) {
          child.stdout?.off('data', onData);
          ready();
        }
      };
      child.stdout?.on('data', onData);
      child.once('exit', (code) =>
        fail(new Error(`redis-server exited with code ${code}: ${output.slice(-500)}`)),
      );
    });
    child.stdout?.resume();
    child.stderr?.resume();
    this.url = `redis://127.0.0.1:${port}`;
    return this.url;
  }

  async stop(): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null) return;
    await new Promise<void>((done) => {
      child.once('exit', () => done());
      child.kill('SIGTERM');
    });
    this.child = null;
  }
}
