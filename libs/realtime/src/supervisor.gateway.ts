import { Logger, OnApplicationShutdown } from '@nestjs/common';
import { OnGatewayConnection, OnGatewayInit, WebSocketGateway, WebSocketServer } from '@nestjs/websockets';
import type { Namespace, Socket } from 'socket.io';
import { AccessTokenClaims, AuthService } from '@centralino/auth';
import {
  QUEUES_SNAPSHOT_INTERVAL_MS,
  SUPERVISOR_ROLES,
  SupervisorServerEvents,
  SUPERVISORS_NAMESPACE,
} from './operator-events.contract';
import { QueueStatsService } from './queue-stats.service';

type Listeners<T> = { [K in keyof T]: (payload: T[K]) => void };
type SupervisorSocket = Socket<
  Record<string, never>,
  Listeners<SupervisorServerEvents>,
  Record<string, never>,
  { claims: AccessTokenClaims }
>;

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

  onApplicationShutdown(): void {
    if (this.timer) clearInterval(this.timer);
  }
}
