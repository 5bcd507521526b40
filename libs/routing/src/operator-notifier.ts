import type { OperatorServerEvents } from '@centralino/realtime/operator-events.contract';

/**
 * The port through which routing tells a console what happened. The realtime library implements it over
 * socket.io; routing never touches a socket.
 */
export abstract class OperatorNotifier {
  abstract emit<E extends keyof OperatorServerEvents>(
    operatorId: string,
    event: E,
    payload: OperatorServerEvents[E],
  ): Promise<void>;
}
