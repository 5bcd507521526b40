import { Injectable, Logger } from '@nestjs/common';
import { Emitter } from '@socket.io/redis-emitter';
import { RedisService } from '@centralino/redis';
import { OperatorNotifier } from '@centralino/routing';
import { OperatorServerEvents, OPERATORS_NAMESPACE, operatorRoom } from './operator-events.contract';
import { RedisIoAdapter } from './redis-io.adapter';

/**
 * Implements routing's OperatorNotifier with the socket.io Redis emitter, so any process (a worker
 * without sockets included) can reach a console connected to any instance.
 */
@Injectable()
export class SocketIoOperatorNotifier extends OperatorNotifier {
  private readonly logger = new Logger(SocketIoOperatorNotifier.name);
  private readonly emitter: Emitter;

  constructor(redis: RedisService) {
    super();
    this.emitter = new Emitter(redis.direct, { key: RedisIoAdapter.channelPrefix(redis) });
  }

  async emit<E extends keyof OperatorServerEvents>(
    operatorId: string,
    event: E,
    payload: OperatorServerEvents[E],
  ) {
    this.emitter.of(OPERATORS_NAMESPACE).to(operatorRoom(operatorId)).emit(event, payload);
    // Debug: one line per console event; `correlationId` ties it to the contact's webhook and jobs.
    const contactId = (payload as { contactId?: unknown }).contactId;
    this.logger.debug(
      { correlationId: typeof contactId === 'string' ? contactId : undefined, operatorId, event },
      'Socket event',
    );
  }
}
