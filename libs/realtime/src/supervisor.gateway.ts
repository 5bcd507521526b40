import { Logger, OnApplicationShutdown } from '@nestjs/common';
import {
  ConnectedSocket,
  MessageBody,
  OnGatewayConnection,
  OnGatewayInit,
  SubscribeMessage,
  WebSocketGateway,
  WebSocketServer,
} from '@nestjs/websockets';
import { DomainError } from '@centralino/contacts';
import type { Namespace, Socket } from 'socket.io';
import { AccessTokenClaims, AuthService } from '@centralino/auth';
import {
  Ack,
  QUEUES_SNAPSHOT_INTERVAL_MS,
  SupervisorAckData,
  SupervisorClientEvent,
  SupervisorClientPayload,
  supervisorClientSchemas,
  SUPERVISOR_ROLES,
  SupervisorServerEvents,
  SUPERVISORS_NAMESPACE,
} from './operator-events.contract';
import { QueueStatsService } from './queue-stats.service';
import { answer } from './socket-ack';

type Listeners<T> = { [K in keyof T]: (payload: T[K]) => void };
type SupervisorSocket = Socket<
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- client events are validated by zod, not typed by socket.io
  Record<string, any>,
  Listeners<SupervisorServerEvents>,
  Record<string, never>,
  { claims: AccessTokenClaims }
>;

/** Placeholder while the contract is ahead of the server (replaced before the next landing). */
function notYet(event: string): Promise<never> {
  return Promise.reject(new DomainError('not_implemented', `${event} is not implemented yet`));
}

/** A handshake refusal the dashboard can tell apart: `err.message` and `err.data.code`. */
function refusal(code: string, message: string): Error {
  return Object.assign(new Error(message), { data: { code } });
}

/**
 * The supervisor dashboard's socket.io endpoint. Only supervisor and admin tokens pass the handshake.
 * Each instance pushes a throttled `queues.snapshot` to the dashboards connected to it (local emit), and
 * computes nothing while none is connected, so dashboards cost little however busy the queues are.
 */
@WebSocketGateway({ namespace: SUPERVISORS_NAMESPACE, cors: { origin: true } })
export class SupervisorGateway implements OnGatewayInit, OnGatewayConnection, OnApplicationShutdown {
  private readonly logger = new Logger(SupervisorGateway.name);
  private timer: NodeJS.Timeout | null = null;
  private ticking = false;

  @WebSocketServer()
  private namespace!: Namespace<Record<string, never>, Listeners<SupervisorServerEvents>>;

  constructor(
    private readonly auth: AuthService,
    private readonly stats: QueueStatsService,
  ) {}

  afterInit(namespace: Namespace): void {
    namespace.use((socket, next) => {
      const header = socket.handshake.headers.authorization;
      const token = (socket.handshake.auth?.token as string | undefined) ?? header?.replace(/^Bearer /i, '');
      this.auth
        .verify(token)
        .then((claims) => {
          if (!(SUPERVISOR_ROLES as readonly string[]).includes(claims.role)) {
            next(
              refusal('forbidden', `The supervisors' namespace needs one of the roles: supervisor, admin`),
            );
            return;
          }
          socket.data.claims = claims;
          next();
        })
        .catch((error: Error) => next(refusal('unauthenticated', error.message)));
    });
    this.timer = setInterval(() => this.tick(), QUEUES_SNAPSHOT_INTERVAL_MS);
    this.timer.unref();
  }

  async handleConnection(socket: SupervisorSocket): Promise<void> {
    try {
      socket.emit('queues.snapshot', await this.stats.snapshot());
    } catch (error) {
      this.logger.error({ err: (error as Error).message }, 'Could not build the first queues snapshot');
    }
  }

  /** One snapshot for all the dashboards of this instance; skipped while the previous one runs. */
  private tick(): void {
    if (this.ticking || !this.namespace || this.namespace.sockets.size === 0) return;
    this.ticking = true;
    this.stats
      .snapshot()
      .then((snapshot) => {
        this.namespace.local.emit('queues.snapshot', snapshot);
      })
      .catch((error: Error) => this.logger.warn({ err: error.message }, 'Queues snapshot failed'))
      .finally(() => (this.ticking = false));
  }

  @SubscribeMessage('contact.move')
  move(@ConnectedSocket() _socket: SupervisorSocket, @MessageBody() body: unknown) {
    return this.handle('contact.move', body, () => notYet('contact.move'));
  }

  @SubscribeMessage('contact.priority')
  priority(@ConnectedSocket() _socket: SupervisorSocket, @MessageBody() body: unknown) {
    return this.handle('contact.priority', body, () => notYet('contact.priority'));
  }

  @SubscribeMessage('operator.set-away')
  setAway(@ConnectedSocket() _socket: SupervisorSocket, @MessageBody() body: unknown) {
    return this.handle('operator.set-away', body, () => notYet('operator.set-away'));
  }

  @SubscribeMessage('operator.logout')
  logout(@ConnectedSocket() _socket: SupervisorSocket, @MessageBody() body: unknown) {
    return this.handle('operator.logout', body, () => notYet('operator.logout'));
  }

  @SubscribeMessage('broadcast')
  broadcast(@ConnectedSocket() _socket: SupervisorSocket, @MessageBody() body: unknown) {
    return this.handle('broadcast', body, () => notYet('broadcast'));
  }

  private handle<E extends SupervisorClientEvent>(
    event: E,
    body: unknown,
    work: (payload: SupervisorClientPayload<E>) => Promise<SupervisorAckData[E]>,
  ): Promise<Ack<SupervisorAckData[E]>> {
    return answer(
      this.logger,
      event,
      () => supervisorClientSchemas[event].parse(body ?? {}) as SupervisorClientPayload<E>,
      work,
    );
  }

  onApplicationShutdown(): void {
    if (this.timer) clearInterval(this.timer);
  }
}
