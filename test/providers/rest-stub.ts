import { createServer, IncomingMessage, Server } from 'node:http';
import { AddressInfo } from 'node:net';

export interface RecordedRequest {
  method: string;
  path: string;
  headers: IncomingMessage['headers'];
  body: string;
}

/**
 * A local HTTP server standing in for a provider's REST API: it records every request and answers with
 * what `respond` returns (200 and an empty JSON object by default; status 0 drops the connection). Tests wait for the requests they
 * expect with `next`.
 */
export class RestStub {
  readonly requests: RecordedRequest[] = [];
  private waiters: {
    predicate: (request: RecordedRequest) => boolean;
    resolve: (r: RecordedRequest) => void;
  }[] = [];
  private server!: Server;
  url = '';

  constructor(
    private readonly respond: (request: RecordedRequest) => { status: number; body: unknown } = () => ({
      status: 200,
      body: {},
    }),
  ) {}

  async start(): Promise<this> {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        const request: RecordedRequest = {
          method: req.method ?? 'GET',
          path: req.url ?? '/',
          headers: req.headers,
          body: Buffer.concat(chunks).toString('utf8'),
        };
        this.requests.push(request);
        this.waiters = this.waiters.filter((waiter) => {
          if (!waiter.predicate(request)) return true;
          waiter.resolve(request);
          return false;
        });
        const { status, body } = this.respond(request);
        // Status 0: the connection drops without an answer (the provider's API unreachable mid-request).
        if (status === 0) {
          req.socket.destroy();
          return;
        }
        res.writeHead(status, { 'content-type': 'application/json' });
        res.end(JSON.stringify(body));
      });
    });
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  /** The first recorded request matching, already received or still to come. */
  next(predicate: (request: RecordedRequest) => boolean, timeoutMs = 10_000): Promise<RecordedRequest> {
    const seen = this.requests.find(predicate);
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`no matching stub request within ${timeoutMs} ms`)),
        timeoutMs,
      );
      this.waiters.push({
        predicate,
        resolve: (request) => {
          clearTimeout(timer);
          resolve(request);
        },
      });
    });
  }

  /**
   * The `index`-th (0-based) recorded request matching, polled for until `timeoutMs` (a request the
   * service sends after an asynchronous step, e.g. the n-th outbound call it places).
   */
  async nth(
    predicate: (request: RecordedRequest) => boolean,
    index: number,
    timeoutMs = 15_000,
  ): Promise<RecordedRequest> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const matching = this.requests.filter(predicate);
      if (matching.length > index) return matching[index]!;
      if (Date.now() > deadline) throw new Error(`no request #${index + 1} at the stub`);
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
