import { Logger, OnApplicationShutdown } from '@nestjs/common';
import {
  ConnectedSocket,
  MessageBody,
  OnGatewayConnection,
  OnGatewayDisconnect,
  OnGatewayInit,
  SubscribeMessage,
  WebSocketGateway,
  WebSocketServer,
} from '@nestjs/websockets';
import type { Namespace, Socket } from 'socket.io';
import { ChatPresenceService, ChatService, LeaveMessageService, ResumeTokenService } from '@centralino/chat';
import { MetricsService, toErrorBody } from '@centralino/observability';
import {
  CHAT_NAMESPACE,
  ChatStatus,
  conversationRoom,
  CustomerClientEvent,
  customerClientSchemas,
  CustomerServerEvents,
} from './chat-events.contract';
import { Ack } from './operator-events.contract';

type Listeners<T> = { [K in keyof T]: (payload: T[K]) => void };
type CustomerSocket = Socket<
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- client events are validated by zod, not typed by socket.io
  Record<string, any>,
  Listeners<CustomerServerEvents>,
  Record<string, never>,
  { conversationId?: string }
>;

/** How often this instance vouches for its customers' sockets and refreshes their queue position. */
const TICK_MS = 5000;

function refusal(code: string, message: string): Error {
  return Object.assign(new Error(message), { data: { code } });
}

/**
 * The chat widget's socket.io endpoint (namespace `/chat`). Customers are anonymous; a conversation is
 * theirs by its resume token, checked at the handshake (a forged one never connects). Every few seconds
 * the instance refreshes the presence of its customers and pushes position/wait changes to those waiting.
 */
@WebSocketGateway({ namespace: CHAT_NAMESPACE, cors: { origin: true }, maxHttpBufferSize: 64 * 1024 })
export class ChatGateway
  implements OnGatewayInit, OnGatewayConnection, OnGatewayDisconnect, OnApplicationShutdown
{
  private readonly logger = new Logger(ChatGateway.name);
  private timer: NodeJS.Timeout | null = null;
  private ticking = false;
  /** The last status pushed per conversation, so only changes are sent. */
  private readonly lastStatus = new Map<string, string>();

  @WebSocketServer()
  private namespace!: Namespace;

  constructor(
    private readonly chats: ChatService,
    private readonly leaveMessages: LeaveMessageService,
    private readonly presence: ChatPresenceService,
    private readonly resumeTokens: ResumeTokenService,
    private readonly metrics: MetricsService,
  ) {}

  afterInit(namespace: Namespace): void {
    namespace.use((socket, next) => {
      const token = socket.handshake.auth?.resumeToken as unknown;
      if (token === undefined || token === null || token === '') return next();
      const conversationId = this.resumeTokens.verify(token);
      if (!conversationId)
        return next(refusal('invalid_resume_token', 'This conversation cannot be resumed'));
      (socket.data as CustomerSocket['data']).conversationId = conversationId;
      next();
    });
    this.timer = setInterval(() => this.tick(), TICK_MS);
    this.timer.unref();
  }

  async handleConnection(socket: CustomerSocket): Promise<void> {
    this.metrics.socketOpened(CHAT_NAMESPACE);
    const conversationId = socket.data.conversationId;
    if (!conversationId) return;
    try {
      await this.join(socket, conversationId);
    } catch (error) {
      this.logger.warn({ err: (error as Error).message, conversationId }, 'Chat resume failed');
      socket.emit('chat.notice', { code: 'resume_failed', message: 'This conversation cannot be resumed' });
      socket.disconnect(true);
    }
  }

  async handleDisconnect(socket: CustomerSocket): Promise<void> {
    this.metrics.socketClosed(CHAT_NAMESPACE);
    const conversationId = socket.data.conversationId;
    if (conversationId) await this.presence.disconnected(conversationId, socket.id);
  }

  @SubscribeMessage('chat.start')
  start(@ConnectedSocket() socket: CustomerSocket, @MessageBody() body: unknown) {
    return this.handle(socket, 'chat.start', body, async (input) => {
      if (socket.data.conversationId) {
        throw Object.assign(new Error('This connection already has a conversation'), { statusCode: 409 });
      }
      const started = await this.chats.start(input);
      await this.join(socket, started.conversationId);
      return started;
    });
  }

  @SubscribeMessage('chat.send')
  send(@ConnectedSocket() socket: CustomerSocket, @MessageBody() body: unknown) {
    return this.handle(socket, 'chat.send', body, (input) =>
      this.chats.send(this.conversationOf(socket), input, {
        connectionId: socket.id,
        ip: socket.handshake.address,
      }),
    );
  }

  @SubscribeMessage('chat.typing')
  typing(@ConnectedSocket() socket: CustomerSocket, @MessageBody() body: unknown) {
    return this.handle(socket, 'chat.typing', body, ({ typing }) =>
      this.chats.typing(this.conversationOf(socket), typing),
    );
  }

  @SubscribeMessage('chat.read')
  read(@ConnectedSocket() socket: CustomerSocket, @MessageBody() body: unknown) {
    return this.handle(socket, 'chat.read', body, ({ upTo }) =>
      this.chats.read(this.conversationOf(socket), upTo),
    );
  }

  @SubscribeMessage('chat.callback')
  callback(@ConnectedSocket() socket: CustomerSocket, @MessageBody() body: unknown) {
    return this.handle(socket, 'chat.callback', body, ({ number }) =>
      this.chats.requestCallback(this.conversationOf(socket), number),
    );
  }

  @SubscribeMessage('chat.end')
  end(@ConnectedSocket() socket: CustomerSocket, @MessageBody() body: unknown) {
    return this.handle(socket, 'chat.end', body, () => this.chats.end(this.conversationOf(socket)));
  }

  @SubscribeMessage('chat.leave-message')
  leaveMessage(@ConnectedSocket() socket: CustomerSocket, @MessageBody() body: unknown) {
    return this.handle(socket, 'chat.leave-message', body, (form) =>
      this.leaveMessages.leave(this.conversationOf(socket), form, {
        connectionId: socket.id,
        ip: socket.handshake.address,
      }),
    );
  }

  private async join(socket: CustomerSocket, conversationId: string): Promise<void> {
    const snapshot = await this.chats.snapshot(conversationId);
    socket.data.conversationId = conversationId;
    await socket.join(conversationRoom(conversationId));
    await this.presence.connected(conversationId, socket.id);
    this.lastStatus.set(conversationId, JSON.stringify(snapshot.status));
    socket.emit('chat.snapshot', snapshot);
  }

  private conversationOf(socket: CustomerSocket): string {
    const conversationId = socket.data.conversationId;
    if (!conversationId) {
      throw Object.assign(new Error('Start a conversation first (chat.start)'), { statusCode: 409 });
    }
    return conversationId;
  }

  /** Presence heartbeat for this instance's customers, and position/wait updates for those waiting. */
  private tick(): void {
    if (this.ticking || !this.namespace || this.namespace.sockets.size === 0) return;
    this.ticking = true;
    this.refresh()
      .catch((error: Error) => this.logger.warn({ err: error.message }, 'Chat refresh failed'))
      .finally(() => (this.ticking = false));
  }

  private async refresh(): Promise<void> {
    const sockets = [...this.namespace.sockets.values()]
      .map((socket) => ({
        conversationId: (socket.data as CustomerSocket['data']).conversationId,
        socketId: socket.id,
      }))
      .filter((entry): entry is { conversationId: string; socketId: string } => !!entry.conversationId);
    await this.presence.heartbeat(sockets);
    const conversations = new Set(sockets.map((entry) => entry.conversationId));
    for (const id of this.lastStatus.keys()) if (!conversations.has(id)) this.lastStatus.delete(id);
    for (const conversationId of conversations) {
      const status = await this.chats.status(await this.chats.contactOf(conversationId));
      if (status.state !== 'waiting') continue;
      this.pushIfChanged(conversationId, status);
    }
  }

  private pushIfChanged(conversationId: string, status: ChatStatus): void {
    const serialized = JSON.stringify(status);
    if (this.lastStatus.get(conversationId) === serialized) return;
    this.lastStatus.set(conversationId, serialized);
    this.namespace.local.to(conversationRoom(conversationId)).emit('chat.status', status);
  }

  /** Validates a widget message and turns the outcome into an acknowledgement; never throws to socket.io. */
  private async handle<E extends CustomerClientEvent, T>(
    socket: CustomerSocket,
    event: E,
    body: unknown,
    work: (payload: ReturnType<(typeof customerClientSchemas)[E]['parse']>) => Promise<T>,
  ): Promise<Ack<T>> {
    try {
      const payload = customerClientSchemas[event].parse(body ?? {}) as ReturnType<
        (typeof customerClientSchemas)[E]['parse']
      >;
      return { ok: true, data: await work(payload) };
    } catch (error) {
      const response = toErrorBody(error);
      if (response.statusCode >= 500) this.logger.error({ err: error, event }, 'Chat handler failed');
      if (response.error === 'rate_limited') {
        socket.emit('chat.notice', {
          code: 'rate_limited',
          message: response.message,
          retryAfterMs: (response.details as { retryAfterMs?: number } | undefined)?.retryAfterMs,
        });
      }
      return { ok: false, error: { code: response.error, message: response.message } };
    }
  }

  onApplicationShutdown(): void {
    if (this.timer) clearInterval(this.timer);
  }
}
