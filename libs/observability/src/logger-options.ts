import pino from 'pino';
import type { Params } from 'nestjs-pino';
import { maskPhone } from '@centralino/contacts';
import { routeClass } from './http-hardening';

/** Paths whose values never reach a log line. */
export const REDACTED_PATHS = [
  'req.headers.authorization',
  'req.headers["webhook-signature"]',
  'req.headers["x-twilio-signature"]',
  'req.headers["x-nexmo-signature"]',
  'req.headers["telnyx-signature-ed25519"]',
  'req.headers["x-api-key"]',
  'req.headers.cookie',
  'res.headers["set-cookie"]',
  'authorization',
  'password',
  'passwordHash',
  'token',
  'accessToken',
  'refreshToken',
  'secret',
  'signature',
  '*.authorization',
  '*.password',
  '*.passwordHash',
  '*.token',
  '*.accessToken',
  '*.refreshToken',
  '*.secret',
  '*.signature',
];

/** Keys of a log line that hold a phone number or address: masked wherever they appear at the top level. */
const PHONE_KEYS = ['from', 'to', 'caller', 'fromAddress', 'toAddress'];

/**
 * pino JSON logs with secrets redacted and caller numbers masked. `file` sends them to a file instead of
 * stdout (LOG_FILE).
 */
export function loggerOptions(level: string, pretty: boolean, file?: string): Params {
  const options = {
    level,
    redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
    transport: pretty && !file ? { target: 'pino/file', options: { destination: 1 } } : undefined,
    serializers: {
      req: (req: { method: string; url: string; id: unknown }) => ({
        id: req.id,
        method: req.method,
        url: req.url,
      }),
    },
    formatters: {
      log: (object: Record<string, unknown>) => {
        for (const key of PHONE_KEYS) {
          if (typeof object[key] === 'string') object[key] = maskPhone(object[key] as string);
        }
        return object;
      },
    },
    autoLogging: { ignore: (req: { url?: string }) => routeClass((req.url ?? '').split('?')[0]) === 'ops' },
  };
  if (!file) return { pinoHttp: options };
  return { pinoHttp: [options, pino.destination({ dest: file, sync: true, mkdir: true })] };
}
