import { Injectable } from '@nestjs/common';
import { Emitter } from '@socket.io/redis-emitter';
import { CustomerNotifier } from '@centralino/chat';
import { RedisService } from '@centralino/redis';
import { CHAT_NAMESPACE, conversationRoom, CustomerServerEvents } from './chat-events.contract';
import { RedisIoAdapter } from './redis-io.adapter';

/** Implements the chat's CustomerNotifier with the socket.io Redis emitter: any process reaches any widget. */
@Injectable()
export class SocketIoCustomerNotifier extends CustomerNotifier {
  private readonly emitter: Emitter;

  constructor(redis: RedisService) {
    super();
    this.emitter = new Emitter(redis.direct, { key: RedisIoAdapter.channelPrefix(redis) });
  }

  async emit<E extends keyof CustomerServerEvents>(
    conversationId: string,
    event: E,
    payload: CustomerServerEvents[E],
  ) {
    this.emitter.of(CHAT_NAMESPACE).to(conversationRoom(conversationId)).emit(event, payload);
  }
}
