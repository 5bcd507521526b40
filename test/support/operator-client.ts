import { io, Socket } from 'socket.io-client';
import type { Ack, OperatorServerEvents } from '@centralino/realtime/operator-events.contract';
import { TEST_PASSWORD } from './test-service';
import { postJson } from './webhook-client';

/**
 * A real socket.io operator console for tests: it records every event it receives so tests can wait for
 * one, and sends console messages with acknowledgements.
 */
export class OperatorClient {
  readonly received: { event: string; payload: unknown }[] = [];
  /** The snapshot the server sent when this console connected. */
  snapshot: OperatorServerEvents['snapshot'] | null = null;
  private waiters: {
    event: string;
    predicate: (payload: unknown) => boolean;
    resolve: (payload: unknown) => void;
    timer: NodeJS.Timeout;
  }[] = [];

  private constructor(
    readonly socket: Socket,
    readonly operatorId: string,
  ) {
    socket.onAny((event: string, payload: unknown) => {
      this.received.push({ event, payload });
      this.waiters = this.waiters.filter((waiter) => {
        if (waiter.event !== event || !waiter.predicate(payload)) return true;
        waiter.resolve(payload);
        return false;
      });
    });
  }

  static async login(
    baseUrl: string,
    username: string,
    password = TEST_PASSWORD,
  ): Promise<{ token: string; operatorId: string }> {
    const { status, body } = await postJson(baseUrl, '/auth/login', { username, password });
    if (status !== 200) throw new Error(`login ${username} failed: ${status} ${JSON.stringify(body)}`);
    return { token: body.accessToken as string, operatorId: (body.operator as { id: string }).id };
  }

  static async connect(baseUrl: string, username: string): Promise<OperatorClient> {
    const { token, operatorId } = await OperatorClient.login(baseUrl, username);
    return OperatorClient.connectWithToken(baseUrl, token, operatorId);
  }

  static async connectWithToken(
    baseUrl: string,
    token: string | undefined,
    operatorId = '',
  ): Promise<OperatorClient> {
    const socket = io(`${baseUrl}/operators`, {
      auth: token ? { token } : {},
      transports: ['websocket'],
      reconnection: false,
      forceNew: true,
    });
    const client = new OperatorClient(socket, operatorId);
    const snapshot = client.next('snapshot');
    snapshot.catch(() => undefined);
    try {
      await new Promise<void>((resolve, reject) => {
        socket.once('connect', () => resolve());
        socket.once('connect_error', (error) => reject(error));
      });
    } catch (error) {
      client.close();
      throw error;
    }
    client.snapshot = await snapshot;
    return client;
  }

  /** Resolves with the first matching event already received or still to come. */
  next<E extends keyof OperatorServerEvents>(
    event: E,
    predicate: (payload: OperatorServerEvents[E]) => boolean = () => true,
    timeoutMs = 10_000,
  ): Promise<OperatorServerEvents[E]> {
    const seen = this.received.find(
      (entry) => entry.event === event && predicate(entry.payload as OperatorServerEvents[E]),
    );
    if (seen) {
      this.received.splice(this.received.indexOf(seen), 1);
      return Promise.resolve(seen.payload as OperatorServerEvents[E]);
    }
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no ${event} within ${timeoutMs} ms`)), timeoutMs);
      this.waiters.push({
        timer,
        event,
        predicate: predicate as (payload: unknown) => boolean,
        resolve: (payload) => {
          clearTimeout(timer);
          this.received.splice(
            this.received.findIndex((entry) => entry.payload === payload),
            1,
          );
          resolve(payload as OperatorServerEvents[E]);
        },
      });
    });
  }

  /** True if no such event arrives within `ms`. */
  async quietFor(event: keyof OperatorServerEvents, ms: number): Promise<boolean> {
    return this.next(event, () => true, ms).then(
      () => false,
      () => true,
    );
  }

  async send<T = unknown>(event: string, payload: unknown): Promise<Ack<T>> {
    // Reconnection is off: a closed socket would only buffer the message and reject after the 10 s ack
    // timeout (an afterEach setting a closed console away lost 10 s per test that way). Fail at once instead.
    if (!this.socket.connected) {
      throw new Error(`cannot send ${event}: the console is disconnected`);
    }
    return (await this.socket.timeout(10_000).emitWithAck(event, payload)) as Ack<T>;
  }

  async available(): Promise<void> {
    const ack = await this.send('state.set', { state: 'available' });
    if (!ack.ok) throw new Error(`could not become available: ${ack.error.message}`);
  }

  close(): void {
    for (const waiter of this.waiters) clearTimeout(waiter.timer);
    this.waiters = [];
    this.socket.disconnect();
  }
}
