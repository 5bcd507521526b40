import { io, Socket } from 'socket.io-client';
import type { ChatLine, CustomerServerEvents } from '@centralino/realtime/chat-events.contract';
import type { Ack } from '@centralino/realtime/operator-events.contract';

/**
 * A real socket.io chat widget for tests: a customer on the `/chat` namespace. It records every event so
 * tests can wait for one, and sends widget messages with acknowledgements.
 */
export class ChatCustomer {
  readonly received: { event: string; payload: unknown }[] = [];
  conversationId = '';
  resumeToken = '';
  /** The snapshot the server sent when this widget resumed its conversation. */
  snapshot: CustomerServerEvents['chat.snapshot'] | null = null;
  private counter = 0;
  private waiters: {
    event: string;
    predicate: (payload: unknown) => boolean;
    resolve: (payload: unknown) => void;
    timer: NodeJS.Timeout;
  }[] = [];

  private constructor(readonly socket: Socket) {
    socket.onAny((event: string, payload: unknown) => {
      this.received.push({ event, payload });
      this.waiters = this.waiters.filter((waiter) => {
        if (waiter.event !== event || !waiter.predicate(payload)) return true;
        waiter.resolve(payload);
        return false;
      });
    });
  }

  /** Connects a widget; with a resume token it rejoins that conversation (or is refused). */
  static async connect(
    baseUrl: string,
    options: { resumeToken?: string; headers?: Record<string, string> } = {},
  ): Promise<ChatCustomer> {
    const socket = io(`${baseUrl}/chat`, {
      auth: options.resumeToken ? { resumeToken: options.resumeToken } : {},
      extraHeaders: options.headers,
      transports: ['websocket'],
      reconnection: false,
      forceNew: true,
    });
    const customer = new ChatCustomer(socket);
    try {
      await new Promise<void>((resolve, reject) => {
        socket.once('connect', () => resolve());
        socket.once('connect_error', (error) => reject(error));
      });
    } catch (error) {
      customer.close();
      throw error;
    }
    if (options.resumeToken) {
      const snapshot = await customer.next('chat.snapshot');
      customer.snapshot = snapshot;
      customer.conversationId = snapshot.conversationId;
      customer.resumeToken = options.resumeToken;
    }
    return customer;
  }

  /** Starts a conversation and waits for its snapshot (the greeting). */
  async start(input: { language?: string; name?: string } = {}) {
    const ack = await this.send<{ conversationId: string; resumeToken: string }>('chat.start', input);
    if (!ack.ok) throw new Error(`chat.start failed: ${ack.error.message}`);
    this.conversationId = ack.data.conversationId;
    this.resumeToken = ack.data.resumeToken;
    return this.next('chat.snapshot');
  }

  /** Sends a customer line with a fresh client id (or the given one, to test resends). */
  say(text: string, extra: { reply?: string; clientId?: string } = {}): Promise<Ack<ChatLine>> {
    return this.send<ChatLine>('chat.send', {
      clientId: extra.clientId ?? `c${++this.counter}`,
      text,
      ...extra,
    });
  }

  /** The next bot or operator line matching `predicate`. */
  line(predicate: (line: ChatLine) => boolean, timeoutMs = 10_000): Promise<ChatLine> {
    return this.next('chat.message', (line) => line.author !== 'customer' && predicate(line), timeoutMs);
  }

  next<E extends keyof CustomerServerEvents>(
    event: E,
    predicate: (payload: CustomerServerEvents[E]) => boolean = () => true,
    timeoutMs = 10_000,
  ): Promise<CustomerServerEvents[E]> {
    const seen = this.received.find(
      (entry) => entry.event === event && predicate(entry.payload as CustomerServerEvents[E]),
    );
    if (seen) {
      this.received.splice(this.received.indexOf(seen), 1);
      return Promise.resolve(seen.payload as CustomerServerEvents[E]);
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
          resolve(payload as CustomerServerEvents[E]);
        },
      });
    });
  }

  async send<T = unknown>(event: string, payload: unknown): Promise<Ack<T>> {
    // Reconnection is off: a closed socket would only buffer the message and reject after the 10 s ack
    // timeout. Fail at once instead.
    if (!this.socket.connected) {
      throw new Error(`cannot send ${event}: the customer is disconnected`);
    }
    return (await this.socket.timeout(10_000).emitWithAck(event, payload)) as Ack<T>;
  }

  close(): void {
    for (const waiter of this.waiters) clearTimeout(waiter.timer);
    this.waiters = [];
    this.socket.disconnect();
  }
}
