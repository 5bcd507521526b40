import { Logger } from '@nestjs/common';
import { toErrorBody } from '@centralino/observability';
import type { Ack } from './operator-events.contract';

/**
 * Validates a client message (`parse` throws a ZodError on a bad one) and turns the outcome into an acknowledgement; never throws
 * to socket.io. Shared by the gateways so every namespace answers errors the same way.
 */
export async function answer<P, T>(
  logger: Logger,
  event: string,
  parse: () => P,
  work: (payload: P) => Promise<T>,
): Promise<Ack<T>> {
  try {
    const payload = parse();
    return { ok: true, data: await work(payload) };
  } catch (error) {
    const failure = toErrorBody(error);
    if (failure.statusCode >= 500) logger.error({ err: error, event }, 'Socket handler failed');
    return { ok: false, error: { code: failure.error, message: failure.message } };
  }
}
