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
import { randomUUID } from 'node:crypto';
import { OperatorRepository } from '@centralino/persistence';
import { SupervisorActionsService } from '@centralino/routing';
import type { Namespace, Socket } from 'socket.io';
import { AccessTokenClaims, AuthService } from '@centralino/auth';
import {
  Ack,
  BroadcastPayload,
  OPERATORS_NAMESPACE,
  operatorRoom,
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
  { claims: AccessTokenClaims; teams?: Set<string> | null }
>;

type QueuesSnapshot = SupervisorServerEvents['queues.snapshot'];

/** The operators a dashboard may see: those of its supervisor's teams (null: everyone). */
function scoped(snapshot: QueuesSnapshot, teams: Set<string> | null): QueuesSnapshot {
  if (teams === null) return snapshot;
  return {
    ...snapshot,
    operators: snapshot.operators.filter((operator) => operator.team !== null && teams.has(operator.team)),
  };
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
    private readonly actions: SupervisorActionsService,
    private readonly operatorRecords: OperatorRepository,
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
      socket.data.teams = await this.actions.scope(socket.data.claims);
      socket.emit('queues.snapshot', scoped(await this.stats.snapshot(), socket.data.teams));
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
        // One snapshot, filtered per dashboard by its team scope (admins get it whole).
        for (const socket of this.namespace.sockets.values()) {
          const teams = (socket.data as SupervisorSocket['data']).teams;
          if (teams !== undefined) socket.emit('queues.snapshot', scoped(snapshot, teams));
        }
      })
      .catch((error: Error) => this.logger.warn({ err: error.message }, 'Queues snapshot failed'))
      .finally(() => (this.ticking = false));
  }

  @SubscribeMessage('contact.move')
  move(@ConnectedSocket() socket: SupervisorSocket, @MessageBody() body: unknown) {
    return this.handle('contact.move', body, ({ contactId, queue }) =>
      this.actions.move(socket.data.claims, contactId, queue),
    );
  }

  @SubscribeMessage('contact.priority')
  priority(@ConnectedSocket() socket: SupervisorSocket, @MessageBody() body: unknown) {
    return this.handle('contact.priority', body, ({ contactId, priority }) =>
      this.actions.prioritise(socket.data.claims, contactId, priority),
    );
  }

  @SubscribeMessage('operator.set-away')
  setAway(@ConnectedSocket() socket: SupervisorSocket, @MessageBody() body: unknown) {
    return this.handle('operator.set-away', body, ({ operatorId, reason }) =>
      this.actions.setAway(socket.data.claims, operatorId, reason),
    );
  }

  @SubscribeMessage('operator.logout')
  logout(@ConnectedSocket() socket: SupervisorSocket, @MessageBody() body: unknown) {
    return this.handle('operator.logout', body, async ({ operatorId }) => {
      const result = await this.actions.logOut(socket.data.claims, operatorId);
      // Every instance (Redis adapter): the logged-out operator's consoles, after `operator.logged_out`.
      this.namespace.server.of(OPERATORS_NAMESPACE).in(operatorRoom(operatorId)).disconnectSockets(true);
      return result;
    });
  }

  @SubscribeMessage('broadcast')
  broadcast(@ConnectedSocket() socket: SupervisorSocket, @MessageBody() body: unknown) {
    return this.handle('broadcast', body, async ({ text }) => {
      const claims = socket.data.claims;
      const sender = await this.operatorRecords.findById(claims.sub);
      const message: BroadcastPayload = {
        id: randomUUID(),
        text,
        at: Date.now(),
        from: { id: claims.sub, displayName: sender?.displayName ?? claims.username },
      };
      await this.actions.recordBroadcast(claims, message.id, text);
      this.namespace.server.of(OPERATORS_NAMESPACE).emit('broadcast', message);
      this.namespace.emit('broadcast', message);
      return message;
    });
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
