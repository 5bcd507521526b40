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

/** Opens a socket.io namespace with the token (the socket.io client is served at /socket.io/socket.io.js). */
export function connect(namespace, token) {
  if (typeof window.io !== 'function') throw new Error('The socket.io client did not load');
  return window.io(namespace, { auth: { token }, transports: ['websocket', 'polling'] });
}
