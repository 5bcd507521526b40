import { z } from 'zod';

const csv = z.string().transform((value) =>
  value
    .split(',')
    .map((item) => item.trim())
    .filter(Boolean),
);

/**
 * Every environment variable centralino reads, in one place. Anything else in the environment is ignored.
 * Bad values stop the process at start-up with the variable's name.
 */
export const envSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().default('0.0.0.0'),
  /** Which roles this process runs: `all` (default), or `http`, `worker`, or `http,worker`. */
  CENTRALINO_ROLES: csv.pipe(z.array(z.enum(['all', 'http', 'worker'])).min(1)).default(['all']),
  DATA_DIR: z.string().default('./var'),
  /**
   * A PGlite data directory dump (a tar file from `PGlite.dumpDataDir`) that a new embedded database is
   * unpacked from instead of running initdb: seconds saved per start where many fresh databases are made
   * (the test suite makes one per test file). Used only while the embedded database is still empty.
   */
  PGLITE_TEMPLATE: z.string().min(1).optional(),
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'must be a postgres:// URL')
    .optional(),
  REDIS_URL: z
    .string()
    .regex(/^rediss?:\/\//, 'must be a redis:// URL')
    .optional(),
  /** Key prefix for everything centralino keeps in Redis, so several deployments can share one server. */
  REDIS_PREFIX: z
    .string()
    .regex(/^[a-z0-9_-]+$/i)
    .default('centralino'),
  FRONT_OFFICE_CONFIG: z.string().default('./config/front-office.yaml'),
  PUBLIC_BASE_URL: z.url().optional(),
  JWT_SECRET: z.string().min(32, 'must be at least 32 characters').optional(),
  /** Access tokens are short-lived: the pages refresh theirs (POST /auth/refresh) before they expire. */
  JWT_TTL_SECONDS: z.coerce.number().int().positive().default(900),
  /** Lifetime of a refresh token (single use: each refresh returns a new one). Default: 12 hours, a shift. */
  REFRESH_TOKEN_TTL_SECONDS: z.coerce.number().int().positive().default(43200),
  /** Failed logins allowed per username and client IP within the window; then 429 until it ends. */
  LOGIN_FAILURES_PER_USER_IP: z.coerce.number().int().positive().default(5),
  LOGIN_FAILURES_WINDOW_SECONDS: z.coerce.number().int().positive().default(900),
  /** Secrets for the generic signed webhook; several are accepted at once so a secret can be rotated. */
  GENERIC_WEBHOOK_SECRETS: csv
    .pipe(z.array(z.string().min(16, 'each secret needs 16+ characters')))
    .optional(),
  WEBHOOK_TOLERANCE_SECONDS: z.coerce.number().int().positive().default(300),
  /**
   * For gateways driven by commands (docs/generic-webhook.md): centralino POSTs a signed `call.actions`
   * here when something happens outside a webhook reply (an operator accepted). Unset: the gateway polls
   * `GET /webhooks/generic/calls/{callId}/actions` instead.
   */
  GENERIC_ACTIONS_URL: z.url().optional(),
  /**
   * Telephony providers (docs/providers/). Each is optional: a provider whose secret is unset answers its
   * webhooks with 503 "not configured" and is never called.
   */
  TWILIO_AUTH_TOKEN: z.string().min(8).optional(),
  /**
   * Rotation without downtime: a previous secret (or key) still accepted on webhooks next to the current
   * one, for Twilio, Vonage and Telnyx alike. Remove it once the provider signs with the new one.
   */
  TWILIO_AUTH_TOKEN_PREVIOUS: z.string().min(8).optional(),
  TWILIO_ACCOUNT_SID: z
    .string()
    .regex(/^AC[0-9a-zA-Z]{8,}$/, 'an account SID such as AC0123...')
    .optional(),
  TWILIO_API_BASE_URL: z.url().default('https://api.twilio.com'),
  VONAGE_SIGNATURE_SECRET: z.string().min(16).optional(),
  VONAGE_SIGNATURE_SECRET_PREVIOUS: z.string().min(16).optional(),
  VONAGE_APPLICATION_ID: z.string().min(1).optional(),
  /** The application's private key (PEM text, `\n` escapes allowed) to call the Voice API. */
  VONAGE_PRIVATE_KEY: z.string().min(1).optional(),
  VONAGE_API_BASE_URL: z.url().default('https://api.nexmo.com'),
  /** The Ed25519 public key from the Telnyx portal (base64 of the 32 raw bytes, or PEM). */
  TELNYX_PUBLIC_KEY: z.string().min(1).optional(),
  TELNYX_PUBLIC_KEY_PREVIOUS: z.string().min(1).optional(),
  TELNYX_API_KEY: z.string().min(1).optional(),
  TELNYX_API_BASE_URL: z.url().default('https://api.telnyx.com/v2'),
  /**
   * The Call Control application (connection) id callbacks are placed through (`POST /calls`
   * `connection_id`); unset: Telnyx callers are not offered callbacks.
   */
  TELNYX_CONNECTION_ID: z.string().min(1).optional(),
  /**
   * Several accounts per provider (several Twilio accounts, Vonage applications, Telnyx accounts, SIP
   * gateways on the generic webhook): a YAML or JSON file of accounts, each with its id, its current and
   * previous secret and its REST credentials (docs/providers/README.md, "Several accounts"). The single-
   * account variables above stay the default account. Read at start-up and again on SIGHUP.
   */
  PROVIDER_ACCOUNTS_FILE: z.string().min(1).optional(),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  LOG_PRETTY: z.stringbool().default(false),
  /** Write the JSON log lines to this file instead of stdout. */
  LOG_FILE: z.string().min(1).optional(),
  SHUTDOWN_TIMEOUT_MS: z.coerce.number().int().positive().default(10000),
  /** On shutdown, readiness fails this long before the server closes, so a load balancer drains it. */
  SHUTDOWN_DRAIN_MS: z.coerce.number().int().min(0).default(0),
  /** Browser origins allowed to call the REST API (CORS), comma-separated. Default: none. */
  CORS_ORIGINS: csv.pipe(z.array(z.url())).default([]),
  /** Behind a load balancer: `true` (trust X-Forwarded-For from any proxy) or comma-separated proxy addresses/CIDRs. */
  TRUST_PROXY: z.string().optional(),
  /**
   * How many of the longest idle available operators a dispatch round reads first (docs/routing.md, "The
   * dispatcher and its rules"); the whole pool is read only when they cannot decide. A tuning knob.
   */
  DISPATCH_IDLE_WINDOW: z.coerce.number().int().min(1).max(100000).default(128),
  /** Requests per minute per client IP, by route class. */
  RATE_LIMIT_LOGIN_PER_MINUTE: z.coerce.number().int().positive().default(10),
  RATE_LIMIT_WEBHOOKS_PER_MINUTE: z.coerce.number().int().positive().default(6000),
  RATE_LIMIT_ADMIN_PER_MINUTE: z.coerce.number().int().positive().default(120),
  RATE_LIMIT_API_PER_MINUTE: z.coerce.number().int().positive().default(1200),
  REDIS_SERVER_BIN: z.string().default('redis-server'),
  /**
   * Privacy (docs/operating.md): contacts that ended more than this many days ago lose their personal
   * data (number, names, transcripts, message texts); the anonymous figures stay. Unset: kept for ever.
   */
  PRIVACY_RETENTION_DAYS: z.coerce.number().int().positive().optional(),
  /** How often the retention sweep (a BullMQ job scheduler on the worker role) runs. */
  PRIVACY_SWEEP_INTERVAL_SECONDS: z.coerce.number().int().positive().default(3600),
  /**
   * Delivery of department messages (docs/back-office.md). SMTP: e-mail is sent only when SMTP_HOST is
   * set; a department with `email` addresses needs it.
   */
  SMTP_HOST: z.string().min(1).optional(),
  SMTP_PORT: z.coerce.number().int().min(1).max(65535).default(587),
  /** true = TLS from the first byte (port 465); false = STARTTLS when the server offers it. */
  SMTP_SECURE: z.stringbool().default(false),
  SMTP_USER: z.string().min(1).optional(),
  SMTP_PASSWORD: z.string().min(1).optional(),
  SMTP_FROM: z.string().min(3).default('centralino <centralino@localhost>'),
  /** Webhook and e-mail deliveries: attempts in all, and the first retry delay (doubling each time). */
  DELIVERY_ATTEMPTS: z.coerce.number().int().min(1).max(50).default(8),
  DELIVERY_BACKOFF_MS: z.coerce.number().int().min(1).default(5000),
  /** A department's webhook or SMTP server must answer within this time, or the attempt fails. */
  DELIVERY_TIMEOUT_MS: z.coerce.number().int().min(100).default(10000),
});

export type Env = z.infer<typeof envSchema>;
