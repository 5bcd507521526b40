// Shared helpers of the centralino pages. Plain ES module, no build step. Untrusted text is only ever
// written with textContent, never as HTML.

/** @param {string} id */
export function byId(id) {
  const element = document.getElementById(id);
  if (!element) throw new Error(`#${id} is missing`);
  return element;
}

/** POST /auth/login; resolves with `{ accessToken, operator }` or rejects with the server's message. */
export async function login(username, password) {
  const response = await fetch('/auth/login', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password }),
  });
  const body = await response.json().catch(() => ({}));
  if (!response.ok) throw new Error(body.message || `Login failed (${response.status})`);
  return body;
}

/** GET a JSON resource with the session's token. */
export async function getJson(path, token) {
  const response = await fetch(path, { headers: { authorization: `Bearer ${token}` } });
  const body = await response.json().catch(() => ({}));
  if (!response.ok) throw new Error(body.message || `${path}: ${response.status}`);
  return body;
}

/** The page's login, kept in sessionStorage so a reload of the tab reconnects without asking again. */
export class Session {
  constructor(key) {
    this.key = key;
  }
  get() {
    try {
      return JSON.parse(sessionStorage.getItem(this.key) || 'null');
    } catch {
      return null;
    }
  }
  save(value) {
    sessionStorage.setItem(this.key, JSON.stringify(value));
  }
  clear() {
    sessionStorage.removeItem(this.key);
  }
}

/** Shows `text` in a banner element (role=alert or role=status), or hides it when text is empty. */
export function banner(element, text, textElement = element) {
  textElement.textContent = text || '';
  element.hidden = !text;
}

/** 75 -> "1:15". */
export function duration(seconds) {
  const total = Math.max(0, Math.floor(seconds));
  const minutes = Math.floor(total / 60);
  const rest = String(total % 60).padStart(2, '0');
  return minutes >= 60
    ? `${Math.floor(minutes / 60)}:${String(minutes % 60).padStart(2, '0')}:${rest}`
    : `${minutes}:${rest}`;
}

/** Replaces the children of `list` with one <li> per text. */
export function fillList(list, texts) {
  list.replaceChildren(
    ...texts.map((text) => {
      const item = document.createElement('li');
      item.textContent = text;
      return item;
    }),
  );
}

const STATE_LABELS = {
  offline: 'Offline',
  available: 'Available',
  reserved: 'Ringing',
  busy: 'Busy',
  wrap_up: 'Wrap-up',
  away: 'Away',
};

export function stateLabel(state) {
  return STATE_LABELS[state] || state;
}

/**
 * Opens a socket.io namespace with the token (the socket.io client is served at /socket.io/socket.io.js).
 * `token` may be a function: it is asked again at every (re)connection, so a refreshed token is used.
 */
export function connect(namespace, token) {
  if (typeof window.io !== 'function') throw new Error('The socket.io client did not load');
  const auth = (callback) => callback({ token: typeof token === 'function' ? token() : token });
  return window.io(namespace, { auth, transports: ['websocket', 'polling'] });
}

/** POST /auth/refresh: a new access token and refresh token for the old refresh token, or an error. */
export async function refreshSession(refreshToken) {
  const response = await fetch('/auth/refresh', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ refreshToken }),
  });
  const body = await response.json().catch(() => ({}));
  if (!response.ok) throw new Error(body.message || `Refresh failed (${response.status})`);
  return body;
}

/** What a login or a refresh leaves in the session: the tokens and when the access token expires. */
export function sessionTokens(result) {
  return {
    token: result.accessToken,
    refreshToken: result.refreshToken,
    expiresAt: Date.now() + (result.expiresIn ?? 3600) * 1000,
    ttlMs: (result.expiresIn ?? 3600) * 1000,
  };
}

/**
 * Keeps the session's access token fresh: shortly before it expires (at 80% of its life) the refresh
 * token buys a new pair, saved in the session. Returns a function that stops it. A refused refresh
 * (logged out elsewhere, account changed) stops too: the next refused request or reconnection then
 * asks to log in again, as before.
 */
export function keepFresh(session, onRefreshed = () => {}) {
  let timer = null;
  let stopped = false;
  const schedule = () => {
    const saved = session.get();
    if (stopped || !saved?.refreshToken || !saved.expiresAt) return;
    const delay = Math.max(1000, saved.expiresAt - Date.now() - (saved.ttlMs ?? 0) * 0.2);
    timer = setTimeout(async () => {
      try {
        const result = await refreshSession(session.get()?.refreshToken);
        if (stopped) return;
        session.save({ ...session.get(), ...sessionTokens(result) });
        onRefreshed(session.get());
        schedule();
      } catch {
        // Refused or unreachable: leave the session as it is (see above).
      }
    }, delay);
  };
  schedule();
  return () => {
    stopped = true;
    clearTimeout(timer);
  };
}

/**
 * The frame the live pages share: the login form, the session in sessionStorage, the header (who, log
 * out, `extras`) and the error banner, all found by their ids (see console.html / dashboard.html).
 * `onStart({ token, operator, name })` runs after a login or, on a reload, with the saved session;
 * `onStop()` when the user logs out or the session is refused. `roles` (optional) limits who may log in.
 */
export function createPageFrame({ sessionKey, view, extras = [], roles, rolesMessage, onStart, onStop }) {
  const session = new Session(sessionKey);
  const ui = {
    who: byId('who'),
    logout: byId('logout'),
    error: byId('error-banner'),
    errorText: byId('error-text'),
    errorDismiss: byId('error-dismiss'),
    loginView: byId('login-view'),
    loginForm: byId('login-form'),
    loginError: byId('login-error'),
    username: byId('username'),
    password: byId('password'),
  };
  let stopRefreshing = () => {};
  const frame = {
    session,
    /** The session's current access token (refreshed in the background), for requests and reconnections. */
    currentToken: () => session.get()?.token ?? null,
    showError: (text) => banner(ui.error, text, ui.errorText),
    clearError: () => banner(ui.error, '', ui.errorText),
    /** Back to the login form, forgetting the session; `message` says why. */
    signOut(message = '') {
      stopRefreshing();
      onStop();
      session.clear();
      view.hidden = true;
      for (const element of [ui.who, ui.logout, ...extras]) element.hidden = true;
      ui.loginView.hidden = false;
      ui.loginError.textContent = message;
      ui.username.focus();
    },
  };
  function begin(saved) {
    ui.loginView.hidden = true;
    view.hidden = false;
    for (const element of [ui.who, ui.logout, ...extras]) element.hidden = false;
    ui.who.textContent = saved.name;
    stopRefreshing();
    stopRefreshing = keepFresh(session);
    onStart(saved);
  }
  ui.loginForm.addEventListener('submit', async (event) => {
    event.preventDefault();
    ui.loginError.textContent = '';
    try {
      const result = await login(ui.username.value.trim(), ui.password.value);
      ui.password.value = '';
      if (roles && !roles.includes(result.operator.role)) {
        ui.loginError.textContent = rolesMessage;
        return;
      }
      const saved = {
        ...sessionTokens(result),
        operator: result.operator,
        name: result.operator.displayName || result.operator.username,
      };
      session.save(saved);
      begin(saved);
    } catch (error) {
      ui.loginError.textContent = error.message;
    }
  });
  ui.errorDismiss.addEventListener('click', () => frame.clearError());
  frame.logoutButton = ui.logout;
  frame.resume = () => {
    const saved = session.get();
    if (saved?.token) begin(saved);
    else frame.signOut();
  };
  return frame;
}

/**
 * A live socket.io connection with the page's connection banner: shown while the connection is down,
 * hidden once it is back. socket.io reconnects by itself except after a disconnect by the server; the
 * pages always come back (a refused handshake then calls `onRefused(error)`), unless `stayDown()` says
 * the server meant it (e.g. a supervisor logged the operator out, or the page stopped meanwhile).
 */
export function liveSocket(namespace, token, { connection, onRefused, stayDown = () => false }) {
  const socket = connect(namespace, token);
  socket.on('connect', () => banner(connection, ''));
  socket.on('disconnect', (reason) => {
    if (reason === 'io client disconnect' || stayDown()) return;
    banner(connection, 'Connection lost: reconnecting…');
    if (reason === 'io server disconnect') setTimeout(() => stayDown() || socket.active || socket.connect(), 1000);
  });
  socket.on('connect_error', (error) => {
    if (socket.active) banner(connection, 'Cannot reach the server: reconnecting…');
    else {
      banner(connection, '');
      onRefused(error);
    }
  });
  return socket;
}

/** socket.io emit answered by `{ ok, data } | { ok: false, error }`; a timeout or no connection is an error too. */
export function request(socket, event, payload, timeoutMs = 10_000) {
  return new Promise((resolve) => {
    if (!socket?.connected) {
      resolve({
        ok: false,
        error: { code: 'not_connected', message: 'Not connected to the server: try again when the connection is back.' },
      });
      return;
    }
    socket.timeout(timeoutMs).emit(event, payload, (error, ack) => {
      if (error) resolve({ ok: false, error: { code: 'timeout', message: `The server did not answer (${event}).` } });
      else resolve(ack);
    });
  });
}
