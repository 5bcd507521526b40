import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { FastifyAdapter } from '@bull-board/fastify';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { AppConfig } from '@centralino/config';
import { AuditService } from '@centralino/audit';
import { AccessTokenClaims, AuthService } from '@centralino/auth';
import { DomainError } from '@centralino/contacts';
import { toErrorBody } from '@centralino/observability';
import { QueueRegistry } from '@centralino/queueing';

export const QUEUE_BOARD_PATH = '/admin/queues';
const COOKIE = 'centralino_queues';
/** Paths under the board that need no session: the sign-in page, its script, and the session exchange. */
const OPEN_PATHS = new Set([`${QUEUE_BOARD_PATH}/sign-in`, `${QUEUE_BOARD_PATH}/sign-in.js`]);
const SESSION_PATH = `${QUEUE_BOARD_PATH}/session`;

/**
 * Bull Board over every BullMQ queue, at /admin/queues, admin only (http role). The board's page and
 * its API calls come from the browser without a bearer header, so an admin exchanges an access token
 * for an HttpOnly, SameSite=Strict cookie scoped to this path (POST /admin/queues/session, done by the
 * sign-in page); every request is checked like a bearer token (expiry, revocation, role). Waiting lines
 * and timers are read-only: removing a waiting contact or an offer timer behind the routing's back
 * would lose a contact or strand an operator. Deliveries may be retried.
 */
export async function registerQueueBoard(app: NestFastifyApplication): Promise<void> {
  const auth = app.get(AuthService);
  const queues = app.get(QueueRegistry);
  const config = app.get(AppConfig);
  const audit = app.get(AuditService);
  // Who is behind each board request, for the audit of what they changed.
  const actors = new WeakMap<FastifyRequest, AccessTokenClaims>();
  const serverAdapter = new FastifyAdapter();
  serverAdapter.setBasePath(QUEUE_BOARD_PATH);
  createBullBoard({
    queues: queues.all().map(
      (queue) =>
        new BullMQAdapter(queue, {
          readOnlyMode: queue.name.startsWith('contacts.') || queue.name === 'timers',
          allowRetries: !(queue.name.startsWith('contacts.') || queue.name === 'timers'),
        }),
    ),
    serverAdapter,
    options: { uiConfig: { boardTitle: 'centralino queues' } },
  });
  const fastify = app.getHttpAdapter().getInstance() as unknown as FastifyInstance;
  await fastify.register(async (scope) => {
    scope.addHook('onRequest', async (request, reply) => {
      const path = request.url.split('?')[0]!;
      if (OPEN_PATHS.has(path)) return;
      const bearer = request.headers.authorization?.startsWith('Bearer ')
        ? request.headers.authorization.slice(7)
        : undefined;
      const token = path === SESSION_PATH ? bearer : (bearer ?? cookie(request, COOKIE));
      try {
        const claims = await auth.verify(token);
        if (claims.role !== 'admin') throw new DomainError('forbidden', 'The queue board is for admins');
        actors.set(request, claims);
      } catch (error) {
        // A person opening the page without a session goes to the sign-in page; API calls get the error.
        if (request.method === 'GET' && !token && (request.headers.accept ?? '').includes('text/html')) {
          return reply.redirect(`${QUEUE_BOARD_PATH}/sign-in`);
        }
        const body = toErrorBody(error);
        return reply.status(body.statusCode).send(body);
      }
    });
    // Every change made from the board (retry, clean, promote, pause...) is in the audit log, written
    // before the answer leaves (onSend), so whoever sees the answer finds the entry.
    scope.addHook('onSend', async (request, reply, payload) => {
      const path = request.url.split('?')[0]!;
      const actor = actors.get(request);
      if (!actor || request.method === 'GET' || path === SESSION_PATH || reply.statusCode >= 400) {
        return payload;
      }
      await audit.record({
        actor,
        action: 'queues.change',
        target: `queue-board:${path.slice(`${QUEUE_BOARD_PATH}/api/queues/`.length) || path}`,
        details: { method: request.method },
      });
      return payload;
    });
    // Bull Board's own refusals (read-only queue, unknown job) in the uniform error body.
    scope.addHook('onSend', async (_request, reply, payload) => {
      if (reply.statusCode < 400 || typeof payload !== 'string') return payload;
      let parsed: { statusCode?: unknown; error?: unknown; message?: unknown };
      try {
        parsed = JSON.parse(payload) as typeof parsed;
      } catch {
        return payload;
      }
      if (typeof parsed.statusCode === 'number') return payload;
      // Bull Board answers `{error: {key: 'ERRORS.QUEUE_READ_ONLY'}}` (a translation key), or a message.
      const key = (parsed.error as { key?: unknown } | undefined)?.key;
      const message = [key, parsed.error, parsed.message]
        .filter((part) => typeof part === 'string')
        .join(': ');
      const body = toErrorBody({ statusCode: reply.statusCode, message: message || 'Request refused' });
      return JSON.stringify(body);
    });
    scope.post(SESSION_PATH, (request, reply) => {
      const secure = request.protocol === 'https' ? '; Secure' : '';
      const token = request.headers.authorization!.slice(7);
      void reply
        .header(
          'set-cookie',
          `${COOKIE}=${token}; Path=${QUEUE_BOARD_PATH}; HttpOnly; SameSite=Strict; Max-Age=${config.env.JWT_TTL_SECONDS}${secure}`,
        )
        .status(204)
        .send();
    });
    scope.get(`${QUEUE_BOARD_PATH}/sign-in`, (_request, reply) => html(reply, SIGN_IN_PAGE));
    scope.get(`${QUEUE_BOARD_PATH}/sign-in.js`, (_request, reply) =>
      reply.header('content-type', 'text/javascript; charset=utf-8').send(SIGN_IN_SCRIPT),
    );
    await scope.register(serverAdapter.registerPlugin() as never, { prefix: QUEUE_BOARD_PATH });
  });
}

function cookie(request: FastifyRequest, name: string): string | undefined {
  for (const part of (request.headers.cookie ?? '').split(';')) {
    const [key, ...value] = part.trim().split('=');
    if (key === name) return value.join('=');
  }
  return undefined;
}

function html(reply: FastifyReply, body: string) {
  return reply
    .header('content-type', 'text/html; charset=utf-8')
    .header('cache-control', 'no-store')
    .send(body);
}

const SIGN_IN_PAGE = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>centralino queues: sign in</title></head>
<body><main>
<h1>Queue board</h1>
<form id="sign-in">
<label>Username <input name="username" autocomplete="username" required></label>
<label>Password <input name="password" type="password" autocomplete="current-password" required></label>
<button>Sign in</button>
</form>
<p id="error" role="alert"></p>
</main><script type="module" src="${QUEUE_BOARD_PATH}/sign-in.js"></script></body></html>`;

// The page's only script, served from the same origin (the Content-Security-Policy allows no inline code).
const SIGN_IN_SCRIPT = `const form = document.getElementById('sign-in');
form.addEventListener('submit', async (event) => {
  event.preventDefault();
  const data = new FormData(form);
  const error = document.getElementById('error');
  const login = await fetch('/auth/login', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: data.get('username'), password: data.get('password') }),
  });
  const body = await login.json();
  if (!login.ok) { error.textContent = body.message; return; }
  const session = await fetch('${SESSION_PATH}', {
    method: 'POST',
    headers: { authorization: 'Bearer ' + body.accessToken },
  });
  if (session.status !== 204) { error.textContent = (await session.json()).message; return; }
  location.href = '${QUEUE_BOARD_PATH}';
});
`;
