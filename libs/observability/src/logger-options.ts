import type { Params } from 'nestjs-pino';
import { maskPhone } from '@centralino/contacts';

/** Paths whose values never reach a log line. */
export const REDACTED_PATHS = [
  'req.headers.authorization',
  'req.headers["webhook-signature"]',
  'req.headers["x-twilio-signature"]',
  'req.headers.cookie',
  'password',
  'passwordHash',
  'token',
  'accessToken',
  '*.password',
  '*.token',
  '*.accessToken',
];

/** pino JSON logs with secrets redacted and caller numbers masked. */
export function loggerOptions(level: string, pretty: boolean): Params {
  return {
    pinoHttp: {
      level,
      redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
      transport: pretty ? { target: 'pino/file', options: { destination: 1 } } : undefined,
      serializers: {
        req: (req: { method: string; url: string; id: unknown }) => ({
          id: req.id,
          method: req.method,
          url: req.url,
        }),
      },
      formatters: {
        log: (object: Record<string, unknown>) => {
          for (const key of ['from', 'to', 'caller', 'fromAddress', 'toAddress']) {
            if (typeof object[key] === 'string') object[key] = maskPhone(object[key] as string);
          }
          return object;
        },
      },
      autoLogging: { ignore: (req) => req.url === '/health' },
    },
  };
}
