import { io, Socket } from 'socket.io-client';
import type { SupervisorServerEvents } from '@centralino/realtime/operator-events.contract';
import { OperatorClient } from './operator-client';

export type QueuesSnapshot = SupervisorServerEvents['queues.snapshot'];

/** A real socket.io supervisor dashboard for tests: keeps the latest `queues.snapshot`. */
export class SupervisorClient {
  latest: QueuesSnapshot | null = null;
  private listeners: ((snapshot: QueuesSnapshot) => void)[] = [];

  private constructor(readonly socket: Socket) {
    socket.on('queues.snapshot', (snapshot: QueuesSnapshot) => {
      this.latest = snapshot;
      for (const listener of [...this.listeners]) listener(snapshot);
    });
  }

  static async connect(baseUrl: string, username: string): Promise<SupervisorClient> {
    const { token } = await OperatorClient.login(baseUrl, username);
    return SupervisorClient.connectWithToken(baseUrl, token);
  }

  /** Connects and waits for the first snapshot; rejects with the handshake's error when refused. */
  static async connectWithToken(baseUrl: string, token: string | undefined): Promise<SupervisorClient> {
    const socket = io(`${baseUrl}/supervisors`, {
      auth: token ? { token } : {},
      transports: ['websocket'],
      reconnection: false,
      forceNew: true,
    });
    const client = new SupervisorClient(socket);
    try {
      await new Promise<void>((resolve, reject) => {
        socket.once('connect_error', (error) => reject(error));
        socket.once('queues.snapshot', () => resolve());
      });
    } catch (error) {
      socket.disconnect();
      throw error;
    }
    return client;
  }

  /** Resolves with the first snapshot (the latest included) that satisfies the predicate. */
  until(predicate: (snapshot: QueuesSnapshot) => boolean, timeoutMs = 10_000): Promise<QueuesSnapshot> {
    if (this.latest && predicate(this.latest)) return Promise.resolve(this.latest);
    return new Promise((resolve, reject) => {
      const listener = (snapshot: QueuesSnapshot) => {
        if (!predicate(snapshot)) return;
        clearTimeout(timer);
        this.listeners = this.listeners.filter((other) => other !== listener);
        resolve(snapshot);
      };
      const timer = setTimeout(() => {
        this.listeners = this.listeners.filter((other) => other !== listener);
        reject(
          new Error(`no matching queues.snapshot within ${timeoutMs} ms: ${JSON.stringify(this.latest)}`),
        );
      }, timeoutMs);
      this.listeners.push(listener);
    });
  }

  queue(snapshot: QueuesSnapshot, id: string) {
    const queue = snapshot.queues.find((candidate) => candidate.id === id);
    if (!queue) throw new Error(`no queue ${id} in the snapshot`);
    return queue;
  }

  close(): void {
    this.listeners = [];
    this.socket.disconnect();
  }
}
