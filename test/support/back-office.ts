import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer, IncomingHttpHeaders, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import { writeFixtureConfig } from './fixture-config';

/** One webhook request as the department's receiver saw it, with its own check of the signature. */
export interface ReceivedWebhook {
  path: string;
  headers: IncomingHttpHeaders;
  body: Record<string, unknown>;
  signatureValid: boolean;
  at: number;
  answered: number;
}

/**
 * A department's webhook receiver: verifies `Centralino-Signature` exactly as docs/back-office.md tells
 * receivers to (HMAC-SHA256 over `${t}.${raw body}`, constant-time compare, ±300 s), and answers each
 * path with the status the test sets (200 by default).
 */
export class WebhookReceiver {
  readonly received: ReceivedWebhook[] = [];
  readonly statusByPath = new Map<string, number>();
  private constructor(
    private readonly server: Server,
    readonly secret: string,
  ) {}

  static async start(secret: string): Promise<WebhookReceiver> {
    const server = createServer();
    const receiver = new WebhookReceiver(server, secret);
    server.on('request', (request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        const raw = Buffer.concat(chunks).toString('utf8');
        const signatureValid = receiver.verify(request.headers['centralino-signature'], raw);
        const status = signatureValid ? (receiver.statusByPath.get(request.url ?? '') ?? 200) : 401;
        receiver.received.push({
          path: request.url ?? '',
          headers: request.headers,
          body: JSON.parse(raw) as Record<string, unknown>,
          signatureValid,
          at: Date.now(),
          answered: status,
        });
        response.writeHead(status, { 'content-type': 'application/json' }).end('{}');
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return receiver;
  }

  url(path: string): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}${path}`;
  }

  private verify(header: string | string[] | undefined, raw: string): boolean {
    if (typeof header !== 'string') return false;
    const fields = new Map(header.split(',').map((part) => part.split('=', 2) as [string, string]));
    const timestamp = Number(fields.get('t'));
    const given = Buffer.from(fields.get('v1') ?? '', 'hex');
    if (!Number.isInteger(timestamp) || Math.abs(Date.now() / 1000 - timestamp) > 300) return false;
    const expected = createHmac('sha256', this.secret).update(`${timestamp}.${raw}`).digest();
    return given.length === expected.length && timingSafeEqual(given, expected);
  }

  /** Waits until `count` requests match. */
  async waitFor(
    predicate: (hook: ReceivedWebhook) => boolean,
    count = 1,
    timeoutMs = 15_000,
  ): Promise<ReceivedWebhook[]> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const matching = this.received.filter(predicate);
      if (matching.length >= count) return matching;
      if (Date.now() > deadline) throw new Error(`only ${matching.length} of ${count} webhooks arrived`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

export interface ReceivedMail {
  from: string;
  to: string[];
  raw: string;
}

/** A local SMTP server run by the test (never a real one): it keeps every message it is given. */
export class TestSmtpServer {
  readonly received: ReceivedMail[] = [];
  private constructor(private readonly server: SMTPServer) {}

  static async start(): Promise<TestSmtpServer> {
    const holder: { instance?: TestSmtpServer } = {};
    const server = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS'],
      logger: false,
      onData(stream, session, callback) {
        const chunks: Buffer[] = [];
        stream.on('data', (chunk: Buffer) => chunks.push(chunk));
        stream.on('end', () => {
          holder.instance!.received.push({
            from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
            to: session.envelope.rcptTo.map((recipient) => recipient.address),
            raw: Buffer.concat(chunks).toString('utf8'),
          });
          callback();
        });
      },
    });
    holder.instance = new TestSmtpServer(server);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return holder.instance;
  }

  get port(): number {
    return (this.server.server.address() as AddressInfo).port;
  }

  async waitFor(predicate: (mail: ReceivedMail) => boolean, timeoutMs = 15_000): Promise<ReceivedMail> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.received.find(predicate);
      if (found) return found;
      if (Date.now() > deadline) throw new Error('the e-mail did not arrive');
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

/**
 * The test front office with a directory (accounting, warehouse and Maria Rossi in accounting) and the
 * back office: anna works accounting, bruno the warehouse, sara is a supervisor and root an admin;
 * `departments` adds delivery settings, `change` anything else.
 */
export function backOfficeFixture(
  departments: Record<string, Record<string, unknown>> = {},
  change: (config: Record<string, unknown>) => void = () => undefined,
): string {
  return writeFixtureConfig((config) => {
    const operators = config.operators as { passwordHash: string }[];
    const passwordHash = operators[0].passwordHash;
    operators.push(
      { username: 'sara', displayName: 'Sara', role: 'supervisor', passwordHash, languages: ['it'] } as never,
      { username: 'root', displayName: 'Root', role: 'admin', passwordHash, languages: ['it'] } as never,
    );
    config.directory = [
      { id: 'accounting', kind: 'department', name: 'Accounting', aliases: ['amministrazione'] },
      { id: 'warehouse', kind: 'department', name: 'Warehouse', aliases: ['magazzino'] },
      { id: 'maria-rossi', kind: 'person', name: 'Maria Rossi', department: 'accounting' },
    ];
    config.backOffice = {
      departments: {
        accounting: { members: ['anna'], ...departments.accounting },
        warehouse: { members: ['bruno'], ...departments.warehouse },
      },
    };
    change(config);
  });
}
