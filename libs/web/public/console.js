// The operator console: log in, choose a state, get offers (ring + countdown), accept or reject them with
// the mouse or the keyboard (A / R), see the current contact and the wrap-up. The server is the source of
// truth: every (re)connect starts with a `snapshot` that replaces what the page shows, then deltas follow.
// Events and payloads: docs/realtime.md (libs/realtime/src/operator-events.contract.ts).
import { banner, byId, connect, duration, fillList, getJson, login, Session, stateLabel } from './common.js';
import { createChatDesk } from './console-chat.js';

const session = new Session('centralino.console');
const ui = {
  who: byId('who'),
  headerState: byId('header-state'),
  badge: byId('state-badge'),
  logout: byId('logout'),
  connection: byId('connection-banner'),
  error: byId('error-banner'),
  errorText: byId('error-text'),
  errorDismiss: byId('error-dismiss'),
  loginView: byId('login-view'),
  loginForm: byId('login-form'),
  loginError: byId('login-error'),
  username: byId('username'),
  password: byId('password'),
  consoleView: byId('console-view'),
  offer: byId('offer'),
  offerCountdown: byId('offer-countdown'),
  offerQueue: byId('offer-queue'),
  offerCaller: byId('offer-caller'),
  offerWaited: byId('offer-waited'),
  accept: byId('accept'),
  reject: byId('reject'),
  stateText: byId('state-text'),
  stateSince: byId('state-since'),
  goAvailable: byId('go-available'),
  goAway: byId('go-away'),
  awayReason: byId('away-reason'),
  wrapup: byId('wrapup'),
  wrapupOutcome: byId('wrapup-outcome'),
  wrapupCountdown: byId('wrapup-countdown'),
  contact: byId('contact'),
  contactStatus: byId('contact-status'),
  contactCaller: byId('contact-caller'),
  contactChannel: byId('contact-channel'),
  contactLanguage: byId('contact-language'),
  contactProblem: byId('contact-problem'),
  contactConfidence: byId('contact-confidence'),
  contactReasons: byId('contact-reasons'),
  contactUtterance: byId('contact-utterance'),
  log: byId('log'),
  chats: byId('chats'),
};

/** What the page shows; rendered from here only. */
const view = {
  socket: null,
  token: null,
  state: { state: 'offline', since: 0 },
  offer: null,
  /** The contact on screen: { contactId, status, caller, channel, language, problemType, triage }. */
  contact: null,
  wrapUpUntil: 0,
};

// ---------------------------------------------------------------------------------------------------
// Sound: a short two-tone beep with WebAudio (no audio file). Browsers only allow it after a user
// gesture on the page; after a reload it may stay silent until the first click or key, which is fine:
// the banner rings visually anyway.
let audio = null;
function unlockAudio() {
  try {
    audio = audio || new AudioContext();
    if (audio.state === 'suspended') void audio.resume();
  } catch {
    audio = null;
  }
}
function beep() {
  if (!audio || audio.state !== 'running') return;
  const start = audio.currentTime;
  for (const [offset, frequency] of [
    [0, 880],
    [0.18, 660],
  ]) {
    const oscillator = audio.createOscillator();
    const gain = audio.createGain();
    oscillator.frequency.value = frequency;
    gain.gain.setValueAtTime(0.15, start + offset);
    gain.gain.exponentialRampToValueAtTime(0.001, start + offset + 0.15);
    oscillator.connect(gain).connect(audio.destination);
    oscillator.start(start + offset);
    oscillator.stop(start + offset + 0.16);
  }
}
document.addEventListener('pointerdown', unlockAudio);
document.addEventListener('keydown', unlockAudio);

// ---------------------------------------------------------------------------------------------------
function log(text) {
  const item = document.createElement('li');
  item.textContent = `${new Date().toLocaleTimeString()} · ${text}`;
  ui.log.prepend(item);
  while (ui.log.children.length > 30) ui.log.lastElementChild.remove();
}

function showError(text) {
  banner(ui.error, text, ui.errorText);
}

function percent(confidence) {
  return typeof confidence === 'number' ? `${Math.round(confidence * 100)}%` : '—';
}

function renderState() {
  const { state, since, reason } = view.state;
  const label = stateLabel(state) + (state === 'away' && reason ? ` (${reason.replaceAll('_', ' ')})` : '');
  ui.stateText.textContent = label;
  ui.badge.textContent = label;
  ui.badge.dataset.state = state;
  ui.stateSince.textContent = since ? `since ${new Date(since).toLocaleTimeString()}` : '';
  ui.goAvailable.disabled = !['away', 'offline'].includes(state);
  ui.goAway.disabled = !['available', 'offline', 'away'].includes(state);
}

function renderOffer() {
  const offer = view.offer;
  ui.offer.hidden = !offer;
  ui.offer.classList.toggle('ringing', !!offer);
  if (!offer) {
    delete ui.offer.dataset.offerId;
    return;
  }
  ui.offer.dataset.offerId = offer.offerId;
  ui.offerQueue.textContent = offer.queue;
  ui.offerCaller.textContent = offer.caller;
  ui.offerWaited.textContent = duration(offer.waitedSeconds);
  ui.accept.disabled = false;
  ui.reject.disabled = false;
  tick();
}

function renderContact() {
  const contact = view.contact;
  ui.contact.hidden = !contact;
  if (!contact) return;
  ui.contact.dataset.contactId = contact.contactId;
  ui.contactStatus.textContent = contact.status;
  ui.contactStatus.dataset.state = contact.status === 'Connected' ? 'busy' : '';
  ui.contactCaller.textContent = contact.caller || '—';
  ui.contactChannel.textContent = contact.channel || '—';
  ui.contactLanguage.textContent = contact.language || '—';
  ui.contactProblem.textContent = contact.problemType || '—';
  ui.contactConfidence.textContent = contact.triage ? percent(contact.triage.confidence) : '—';
  fillList(ui.contactReasons, contact.triage?.reasons?.length ? contact.triage.reasons : ['—']);
  ui.contactUtterance.textContent = contact.triage?.utterance || '—';
}

function contactFromOffer(offer, status) {
  return {
    contactId: offer.contactId,
    status,
    caller: offer.caller,
    channel: offer.channel,
    language: offer.language,
    problemType: offer.problemType,
    triage: offer.triage,
  };
}

/** A connected contact without its triage details (after a reload): read them from the REST API. */
async function loadContactDetails(contactId) {
  try {
    const contact = await getJson(`/contacts/${encodeURIComponent(contactId)}`, view.token);
    if (view.contact?.contactId !== contactId) return;
    view.contact = {
      ...view.contact,
      problemType: contact.problemType,
      language: contact.language,
      triage: contact.triage,
    };
    renderContact();
  } catch (error) {
    showError(`Could not load the contact's details: ${error.message}`);
  }
}

/** Once a quarter second: the offer and wrap-up countdowns. */
function tick() {
  const now = Date.now();
  if (view.offer) {
    ui.offerCountdown.textContent = String(Math.max(0, Math.ceil((view.offer.expiresAt - now) / 1000)));
  }
  if (view.wrapUpUntil) {
    const left = Math.max(0, Math.ceil((view.wrapUpUntil - now) / 1000));
    ui.wrapupCountdown.textContent = String(left);
  }
}
setInterval(tick, 250);

// ---------------------------------------------------------------------------------------------------
// Server -> console events.
function onSnapshot(snapshot) {
  ui.who.textContent = snapshot.operator.displayName || snapshot.operator.username;
  view.state = snapshot.state;
  view.offer = snapshot.offer;
  if (snapshot.offer) {
    view.contact = contactFromOffer(snapshot.offer, 'Offered');
  } else if (snapshot.contact) {
    const same = view.contact?.contactId === snapshot.contact.contactId ? view.contact : null;
    view.contact = {
      contactId: snapshot.contact.contactId,
      status: 'Connected',
      caller: snapshot.contact.caller,
      channel: snapshot.contact.channel,
      language: snapshot.contact.language,
      problemType: same?.problemType ?? snapshot.contact.queue,
      triage: same?.triage ?? null,
    };
    chatDesk.onConnected(snapshot.contact);
    if (!same?.triage) void loadContactDetails(snapshot.contact.contactId);
  } else if (snapshot.state.state !== 'wrap_up') {
    view.contact = null;
  }
  if (snapshot.state.state !== 'wrap_up') {
    view.wrapUpUntil = 0;
    ui.wrapup.hidden = true;
  }
  renderState();
  renderOffer();
  renderContact();
  if (snapshot.offer) beep();
}

// The moves to reserved (offer), busy (contact.connected) and back to available after a hang-up during an
// offer are implied by those events rather than sent as `operator.state` (docs/realtime.md).
function implyState(state) {
  if (view.state.state !== state) {
    view.state = { state, since: Date.now() };
    renderState();
  }
}

function onOffer(offer) {
  implyState('reserved');
  view.offer = offer;
  view.contact = contactFromOffer(offer, 'Offered');
  view.wrapUpUntil = 0;
  ui.wrapup.hidden = true;
  renderOffer();
  renderContact();
  log(`Offer from ${offer.caller} (${offer.queue})`);
  beep();
  ui.accept.focus();
}

function onWithdrawn({ offerId, reason }) {
  if (view.offer?.offerId !== offerId) return;
  if (reason === 'caller_hung_up' && view.state.state === 'reserved') implyState('available');
  view.offer = null;
  if (view.contact?.status === 'Offered') view.contact = null;
  renderOffer();
  renderContact();
  log(`Offer withdrawn: ${reason.replaceAll('_', ' ')}`);
}

function onConnected(contact) {
  const same = view.contact?.contactId === contact.contactId ? view.contact : null;
  // The accept acknowledgement and the contact.connected event both say so: show it once.
  if (same?.status === 'Connected') return;
  implyState('busy');
  if (view.offer?.contactId === contact.contactId) view.offer = null;
  view.contact = {
    contactId: contact.contactId,
    status: 'Connected',
    caller: contact.caller,
    channel: contact.channel,
    language: contact.language,
    problemType: same?.problemType ?? contact.queue,
    triage: same?.triage ?? null,
  };
  renderOffer();
  renderContact();
  chatDesk.onConnected(contact);
  if (!same?.triage) void loadContactDetails(contact.contactId);
  log(`Connected to ${contact.caller}`);
}

function onEnded({ contactId, state, wrapUpSeconds }) {
  chatDesk.onEnded({ contactId });
  if (view.contact?.contactId === contactId) {
    view.contact = { ...view.contact, status: `Ended (${state})` };
    renderContact();
  }
  view.wrapUpUntil = Date.now() + wrapUpSeconds * 1000;
  ui.wrapupOutcome.textContent = state;
  ui.wrapup.hidden = false;
  tick();
  log(`Contact ended (${state}); wrap-up ${wrapUpSeconds} s`);
}

function onState(state) {
  view.state = state;
  if (state.state === 'available' && view.wrapUpUntil) {
    view.wrapUpUntil = 0;
    ui.wrapup.hidden = true;
    if (view.contact && view.contact.status !== 'Offered') {
      view.contact = null;
      renderContact();
    }
  }
  renderState();
}

// ---------------------------------------------------------------------------------------------------
// Console -> server messages, answered with { ok, data } | { ok: false, error: { code, message } }.
/** Resolves with the acknowledgement, or a local `{ ok: false }` when there was none; errors are shown. */
function send(event, payload) {
  return new Promise((resolve) => {
    const failed = (code, message) => {
      showError(message);
      resolve({ ok: false, error: { code, message } });
    };
    if (!view.socket?.connected) {
      failed('not_connected', 'Not connected to the server: try again when the connection is back.');
      return;
    }
    view.socket.timeout(10_000).emit(event, payload, (error, ack) => {
      if (error) failed('timeout', `The server did not answer (${event}).`);
      else if (!ack.ok) failed(ack.error.code, ack.error.message);
      else {
        banner(ui.error, '', ui.errorText);
        resolve(ack);
      }
    });
  });
}

async function setState(state, reason) {
  const ack = await send('state.set', reason ? { state, reason } : { state });
  if (ack.ok) onState(ack.data);
}

async function answerOffer(kind) {
  const offer = view.offer;
  if (!offer || ui.accept.disabled) return;
  ui.accept.disabled = true;
  ui.reject.disabled = true;
  const ack = await send(kind === 'accept' ? 'offer.accept' : 'offer.reject', { offerId: offer.offerId });
  if (ack.ok && kind === 'accept') {
    onConnected(ack.data);
  } else if (ack.ok) {
    onWithdrawn({ offerId: offer.offerId, reason: 'rejected' });
  } else if (ack.error.code === 'offer_not_pending' || ack.error.code === 'conflict') {
    // The offer is gone (expired, withdrawn, taken): the server's events or the next snapshot tell the rest.
    onWithdrawn({ offerId: offer.offerId, reason: 'no_longer_pending' });
  } else if (view.offer?.offerId === offer.offerId && Date.now() < offer.expiresAt) {
    ui.accept.disabled = false;
    ui.reject.disabled = false;
  }
}

const chatDesk = createChatDesk({ container: ui.chats, send, log });

// ---------------------------------------------------------------------------------------------------
function start(token) {
  view.token = token;
  ui.loginView.hidden = true;
  ui.consoleView.hidden = false;
  ui.who.hidden = false;
  ui.headerState.hidden = false;
  ui.logout.hidden = false;
  let socket;
  try {
    socket = connect('/operators', token);
  } catch (error) {
    showError(error.message);
    return;
  }
  view.socket = socket;
  socket.on('connect', () => banner(ui.connection, ''));
  socket.on('disconnect', (reason) => {
    if (reason === 'io client disconnect') return;
    banner(ui.connection, 'Connection lost: reconnecting…');
    // socket.io retries by itself except after a disconnect by the server; a console always comes back
    // (a refused handshake then sends the operator to the login form).
    if (reason === 'io server disconnect') setTimeout(() => view.socket === socket && socket.connect(), 1000);
  });
  socket.on('connect_error', (error) => {
    if (!socket.active) {
      // Refused at the handshake (expired or invalid token): log in again.
      stop();
      showLogin(`Please log in again (${error.message}).`);
    } else {
      banner(ui.connection, 'Cannot reach the server: reconnecting…');
    }
  });
  socket.on('snapshot', onSnapshot);
  socket.on('offer', onOffer);
  socket.on('offer.withdrawn', onWithdrawn);
  socket.on('contact.connected', onConnected);
  socket.on('contact.ended', onEnded);
  socket.on('operator.state', onState);
  socket.on('chat.message', chatDesk.onMessage);
  socket.on('chat.typing', chatDesk.onTyping);
  socket.on('chat.read', chatDesk.onRead);
  socket.on('chat.customer_left', chatDesk.onCustomerLeft);
}

function stop() {
  view.socket?.disconnect();
  view.socket = null;
  session.clear();
  Object.assign(view, { token: null, offer: null, contact: null, wrapUpUntil: 0 });
}

function showLogin(message = '') {
  ui.consoleView.hidden = true;
  ui.who.hidden = true;
  ui.headerState.hidden = true;
  ui.logout.hidden = true;
  ui.loginView.hidden = false;
  banner(ui.connection, '');
  ui.loginError.textContent = message;
  ui.username.focus();
}

ui.loginForm.addEventListener('submit', async (event) => {
  event.preventDefault();
  unlockAudio();
  ui.loginError.textContent = '';
  try {
    const result = await login(ui.username.value.trim(), ui.password.value);
    ui.password.value = '';
    session.save({ token: result.accessToken, operator: result.operator });
    start(result.accessToken);
    ui.goAvailable.focus();
  } catch (error) {
    ui.loginError.textContent = error.message;
  }
});
ui.logout.addEventListener('click', () => {
  void (async () => {
    if (['available'].includes(view.state.state)) await setState('away', 'logged_out');
    stop();
    showLogin();
  })();
});
ui.errorDismiss.addEventListener('click', () => banner(ui.error, '', ui.errorText));
ui.goAvailable.addEventListener('click', () => void setState('available'));
ui.goAway.addEventListener('click', () => void setState('away', ui.awayReason.value));
ui.accept.addEventListener('click', () => void answerOffer('accept'));
ui.reject.addEventListener('click', () => void answerOffer('reject'));
document.addEventListener('keydown', (event) => {
  if (event.ctrlKey || event.metaKey || event.altKey || event.repeat || !view.offer) return;
  const target = event.target;
  if (target instanceof HTMLElement && target.closest('input, textarea, select, [contenteditable]')) return;
  const key = event.key.toLowerCase();
  if (key === 'a') {
    event.preventDefault();
    void answerOffer('accept');
  } else if (key === 'r') {
    event.preventDefault();
    void answerOffer('reject');
  }
});

const saved = session.get();
if (saved?.token) start(saved.token);
else showLogin();
