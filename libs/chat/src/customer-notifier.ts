import type { CustomerServerEvents } from '@centralino/realtime/chat-events.contract';

/**
 * The port through which the chat service reaches a customer's widget, from any process (a worker
 * included). The realtime library implements it over socket.io; this library never touches a socket.
 */
export abstract class CustomerNotifier {
  abstract emit<E extends keyof CustomerServerEvents>(
    conversationId: string,
    event: E,
    payload: CustomerServerEvents[E],
  ): Promise<void>;
}
