// The operator console: log in, choose a state, get offers (ring + countdown), accept or reject them with
// the mouse or the keyboard (A / R), handle the current contact (triage, what the caller said, previous
// contacts, notes, disposition and complete, transfer, take a message) and see the wrap-up and the
// supervisors' messages. The server is the source of truth: every (re)connect starts with a `snapshot`
// that replaces what the page shows, then deltas follow.
// Events and payloads: docs/realtime.md (libs/realtime/src/operator-events.contract.ts).
import {
  banner,
  byId,
  createPageFrame,
  duration,
  fillList,
  getJson,
  liveSocket,
  request,
  stateLabel,
} from './common.js';
import { createChatDesk } from './console-chat.js';

const ui = {
  headerState: byId('header-state'),
  badge: byId('state-badge'),
  connection: byId('connection-banner'),
  broadcast: byId('broadcast-banner'),
  broadcastText: byId('broadcast-text'),
  broadcastDismiss: byId('broadcast-dismiss'),
  consoleView: byId('console-view'),
  offer: byId('offer'),
  offerTitle: byId('offer-title'),
  offerMore: byId('offer-more'),
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
  contactPrevious: byId('contact-previous'),
  contactMessages: byId('contact-messages'),
  contactNotes: byId('contact-notes'),
  noteForm: byId('note-form'),
  noteText: byId('note-text'),
  completeForm: byId('complete-form'),
  disposition: byId('disposition'),
  connectedActions: byId('connected-actions'),
  transferForm: byId('transfer-form'),
  transferKind: byId('transfer-kind'),
  transferTarget: byId('transfer-target'),
  messagePanel: byId('message-panel'),
  messageForm: byId('message-form'),
  messageRecipient: byId('message-recipient'),
  messageText: byId('message-text'),
  messageUrgency: byId('message-urgency'),
  messageCallback: byId('message-callback'),
  log: byId('log'),
  chats: byId('chats'),
};

/** What the page shows; rendered from here only. */
const view = {
  socket: null,
  token: null,
  state: { state: 'offline', since: 0 },
  /** The offer shown (the oldest pending one); the others wait in `offers`, shown one after the other. */
  offer: null,
  /**
   * Every offer pending on this console, oldest first: with a chat capacity above one, several chats (and
   * a call next to them) may be offered at once, and each must be answerable before it times out.
   */
  offers: [],
  /** The contacts this operator is connected to now (a call and/or chats), by id. */
  connected: new Map(),
  /**
   * The contact on screen: { contactId, status, caller, channel, language, problemType, triage, notes,
   * previousContacts }; status is 'Offered', 'Connected' or 'Ended (<state>)'.
   */
  contact: null,
  wrapUpUntil: 0,
  /** What the console may choose from (snapshot.options): dispositions, queues, departments. */
  options: { dispositions: [], queues: [], departments: [] },
  /** A supervisor logged this operator out: do not reconnect. */
  loggedOut: false,
};
let noteCounter = 0;

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
  frame.showError(text);
}

function option(value, text) {
  const element = document.createElement('option');
  element.value = value;
  element.textContent = text;
  return element;
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
  view.offer = view.offers[0] ?? null;
  const offer = view.offer;
  ui.offer.hidden = !offer;
  ui.offer.classList.toggle('ringing', !!offer);
  if (!offer) {
    delete ui.offer.dataset.offerId;
    return;
  }
  ui.offer.dataset.offerId = offer.offerId;
  // A callback: accepting makes the service call the customer and put them through to this console.
  ui.offerTitle.textContent = offer.callback
    ? `Callback to ${offer.callback.number}${offer.callback.attempt > 1 ? ` (attempt ${offer.callback.attempt})` : ''}`
    : offer.channel === 'chat'
      ? 'Incoming chat'
      : 'Incoming call';
  ui.offer.dataset.callback = offer.callback ? 'true' : '';
  const more = view.offers.length - 1;
  ui.offerMore.hidden = more === 0;
  ui.offerMore.textContent = more === 1 ? '1 more offer waiting' : `${more} more offers waiting`;
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
  fillList(
    ui.contactPrevious,
    contact.previousContacts?.length
      ? contact.previousContacts.map(
          (previous) =>
            `${new Date(previous.receivedAt).toLocaleString()} · ${previous.channel} · ${previous.problemType || '—'} · ${previous.state}` +
            (previous.disposition ? ` (${previous.disposition})` : '') +
            (previous.operatorName ? ` · ${previous.operatorName}` : ''),
        )
      : ['None'],
  );
  fillList(
    ui.contactMessages,
    contact.previousMessages?.length ? contact.previousMessages.map(describeMessage) : ['None'],
  );
  renderNotes();
  const offered = contact.status === 'Offered';
  const connected = contact.status === 'Connected';
  ui.noteForm.hidden = offered;
  // After a hang-up the disposition can still be recorded during the wrap-up.
  ui.completeForm.hidden = offered || contact.completed === true;
  ui.connectedActions.hidden = !connected;
}

function renderNotes() {
  const notes = view.contact?.notes ?? [];
  fillList(
    ui.contactNotes,
    notes.length
      ? notes.map((note) => `${new Date(note.at).toLocaleTimeString()} · ${note.operatorName}: ${note.text}`)
      : ['No notes yet'],
  );
}

function renderOptions() {
  const { dispositions, departments } = view.options;
  ui.disposition.replaceChildren(...dispositions.map((item) => option(item.id, item.name)));
  ui.messageRecipient.replaceChildren(
    option('', 'Reception desk'),
    ...departments.map((item) => option(item.id, item.name)),
  );
  void fillTransferTargets();
}

/** The transfer targets of the chosen kind: queues and departments from the snapshot, operators asked for. */
async function fillTransferTargets() {
  const kind = ui.transferKind.value;
  if (kind === 'operator') {
    ui.transferTarget.replaceChildren(option('', 'Loading…'));
    const ack = await send('transfer.operators', {});
    const operators = ack.ok ? ack.data : [];
    ui.transferTarget.replaceChildren(
      ...operators.map((operator) =>
        option(operator.id, `${operator.displayName} (${stateLabel(operator.state).toLowerCase()})`),
      ),
    );
  } else {
    const items =
      kind === 'queue'
        ? view.options.queues
        : view.options.departments.filter((department) => department.phone);
    ui.transferTarget.replaceChildren(...items.map((item) => option(item.id, item.name)));
  }
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
    notes: [],
    previousContacts: [],
  };
}

/**
 * "Message to Accounting (Maria Rossi), 02/12 10:14 · answered 03/12 09:02": what became of a message the
 * caller left before, so the operator can tell them ("your message was answered yesterday").
 */
function describeMessage(message) {
  // A message for a person names them; one for the department itself names the department once.
  const person = message.recipientName && message.recipientName !== message.departmentName;
  const to = person ? `${message.departmentName} (${message.recipientName})` : message.departmentName;
  const when = (at) => new Date(at).toLocaleString();
  const outcome =
    message.status === 'done' && message.doneAt
      ? `done ${when(message.doneAt)}`
      : message.status === 'answered' && message.answeredAt
        ? `answered ${when(message.answeredAt)}`
        : message.status === 'assigned'
          ? 'assigned, not answered yet'
          : 'not answered yet';
  return `Message to ${to}, ${when(message.createdAt)} · ${outcome}`;
}

/** The status of the messages this caller left before (latest first), from the back office. */
async function loadPreviousMessages(contactId) {
  try {
    const { messages } = await getJson(
      `/messages/previous?contactId=${encodeURIComponent(contactId)}`,
      frame.currentToken() ?? view.token,
    );
    if (view.contact?.contactId !== contactId) return;
    view.contact = { ...view.contact, previousMessages: messages };
    renderContact();
  } catch (error) {
    showError(`Could not load the caller's previous messages: ${error.message}`);
  }
}

/** The contact on screen from a connected contact's payload (triage, notes and history included). */
function contactFromPayload(contact) {
  const same = view.contact?.contactId === contact.contactId ? view.contact : null;
  return {
    contactId: contact.contactId,
    // A callback accepted: the service is calling the customer; the actions apply once they answer.
    status: contact.state === 'calling_back' ? 'Calling back…' : 'Connected',
    caller: contact.caller,
    channel: contact.channel,
    language: contact.language,
    problemType: contact.problemType ?? same?.problemType ?? contact.queue,
    triage: contact.triage ?? same?.triage ?? null,
    notes: contact.notes ?? same?.notes ?? [],
    previousContacts: contact.previousContacts ?? same?.previousContacts ?? [],
    previousMessages: same?.previousMessages ?? [],
  };
}

/** A connected contact without its triage details (after a reload): read them from the REST API. */
async function loadContactDetails(contactId) {
  try {
    const contact = await getJson(
      `/contacts/${encodeURIComponent(contactId)}`,
      frame.currentToken() ?? view.token,
    );
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
  view.state = snapshot.state;
  view.offers = snapshot.offers ?? (snapshot.offer ? [snapshot.offer] : []);
  if (snapshot.options) {
    view.options = snapshot.options;
    renderOptions();
  }
  const contacts = snapshot.contacts ?? (snapshot.contact ? [snapshot.contact] : []);
  view.connected = new Map(contacts.map((contact) => [contact.contactId, contact]));
  // Every chat gets its panel back; the card shows the call (or the first chat), else the first offer.
  for (const contact of contacts) chatDesk.onConnected(contact);
  if (snapshot.contact) {
    view.contact = contactFromPayload(snapshot.contact);
    void loadPreviousMessages(snapshot.contact.contactId);
    if (!view.contact.triage && snapshot.contact.triage === undefined) {
      void loadContactDetails(snapshot.contact.contactId);
    }
  } else if (view.offers.length) {
    view.contact = contactFromOffer(view.offers[0], 'Offered');
  } else if (snapshot.state.state !== 'wrap_up') {
    view.contact = null;
  }
  if (snapshot.state.state === 'wrap_up' && snapshot.wrapUp) {
    startWrapUp(snapshot.wrapUp.endsAt);
    if (view.contact?.contactId !== snapshot.wrapUp.contactId) {
      // After a reload in wrap-up: the contact is gone from the live state, its notes can still be added.
      view.contact = {
        contactId: snapshot.wrapUp.contactId,
        status: 'Ended',
        notes: [],
        previousContacts: [],
      };
      ui.wrapupOutcome.textContent = 'ended';
    }
  } else if (snapshot.state.state !== 'wrap_up') {
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
  if (view.offers.some((other) => other.offerId === offer.offerId)) return;
  if (view.state.state === 'available') implyState('reserved');
  view.offers = [...view.offers, offer];
  // The card stays on a contact being handled; otherwise it shows the offer being answered.
  if (view.connected.size === 0) {
    view.contact = contactFromOffer(view.offers[0], 'Offered');
    view.wrapUpUntil = 0;
    ui.wrapup.hidden = true;
  }
  renderOffer();
  renderContact();
  log(`Offer from ${offer.caller} (${offer.queue})`);
  beep();
  ui.accept.focus();
}

function onWithdrawn({ offerId, reason }) {
  if (!view.offers.some((offer) => offer.offerId === offerId)) return;
  view.offers = view.offers.filter((offer) => offer.offerId !== offerId);
  if (reason === 'caller_hung_up' && view.state.state === 'reserved' && view.offers.length === 0) {
    implyState('available');
  }
  if (view.contact?.status === 'Offered') {
    view.contact = view.offers.length ? contactFromOffer(view.offers[0], 'Offered') : null;
  }
  renderOffer();
  renderContact();
  log(`Offer withdrawn: ${reason.replaceAll('_', ' ')}`);
}

function onConnected(contact) {
  const same = view.contact?.contactId === contact.contactId ? view.contact : null;
  // The accept acknowledgement and the contact.connected event both say so: show it once.
  if (same?.status === 'Connected') return;
  implyState('busy');
  view.offers = view.offers.filter((offer) => offer.contactId !== contact.contactId);
  view.connected.set(contact.contactId, contact);
  chatDesk.onConnected(contact);
  // The card moves to this contact unless it shows another one being handled (a call keeps it; a call
  // takes it from a chat, which goes on in its own panel).
  const shown = view.contact?.status === 'Connected' ? view.connected.get(view.contact.contactId) : null;
  if (!shown || (contact.channel === 'voice' && shown.channel !== 'voice')) {
    view.contact = contactFromPayload(contact);
    void loadPreviousMessages(contact.contactId);
    if (!view.contact.triage && contact.triage === undefined) void loadContactDetails(contact.contactId);
  } else if (view.contact?.status === 'Offered') {
    view.contact = null;
  }
  renderOffer();
  renderContact();
  log(`Connected to ${contact.caller}`);
}

function startWrapUp(endsAt) {
  view.wrapUpUntil = endsAt;
  ui.wrapup.hidden = false;
  tick();
}

function onEnded(ended) {
  const { contactId, state, wrapUpSeconds } = ended;
  chatDesk.onEnded({ contactId });
  view.connected.delete(contactId);
  if (view.contact?.contactId === contactId) {
    view.contact = {
      ...view.contact,
      status: `Ended (${state})`,
      // Completed with a disposition, transferred or message taken: nothing left to record but notes.
      completed: state !== 'completed' || ended.disposition !== undefined,
    };
    renderContact();
  }
  ui.wrapupOutcome.textContent = state + (ended.disposition ? `, ${ended.disposition}` : '');
  startWrapUp(ended.wrapUpEndsAt ?? Date.now() + wrapUpSeconds * 1000);
  log(`Contact ended (${state}); wrap-up ${wrapUpSeconds} s`);
}

function onNoted(note) {
  if (view.contact?.contactId !== note.contactId) return;
  if (view.contact.notes.some((other) => other.id === note.id)) return;
  view.contact.notes = [...view.contact.notes, note];
  renderNotes();
}

function onBroadcast(message) {
  banner(ui.broadcast, `Message from ${message.from.displayName}: ${message.text}`, ui.broadcastText);
  log(`Message from ${message.from.displayName}: ${message.text}`);
}

function onLoggedOut({ by }) {
  view.loggedOut = true;
  frame.signOut(`You were logged out by ${by}.`);
}

function onState(state) {
  view.state = state;
  if (state.state === 'available' && view.wrapUpUntil) {
    view.wrapUpUntil = 0;
    ui.wrapup.hidden = true;
    if (view.contact && view.contact.status !== 'Offered' && view.connected.size === 0) {
      view.contact = null;
      renderContact();
    }
  }
  renderState();
}

// ---------------------------------------------------------------------------------------------------
// Console -> server messages, answered with { ok, data } | { ok: false, error: { code, message } }.
/** Resolves with the acknowledgement (or a local `{ ok: false }`); errors are shown in the banner. */
async function send(event, payload) {
  const ack = await request(view.socket, event, payload);
  if (ack.ok) frame.clearError();
  else showError(ack.error.message);
  return ack;
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

/** complete / transfer / take-message: the answer is the same as the `contact.ended` that follows. */
async function endContact(event, payload, done) {
  const contactId = view.contact?.contactId;
  if (!contactId) return;
  const ack = await send(event, { contactId, ...payload });
  if (!ack.ok) return;
  if (view.contact?.contactId === contactId) view.contact.completed = true;
  onEnded(ack.data);
  log(done);
}

const chatDesk = createChatDesk({ container: ui.chats, send, log });

// ---------------------------------------------------------------------------------------------------
const frame = createPageFrame({
  sessionKey: 'centralino.console',
  view: ui.consoleView,
  extras: [ui.headerState],
  onStart({ token }) {
    view.token = token;
    view.loggedOut = false;
    let socket;
    try {
      socket = liveSocket('/operators', () => frame.currentToken() ?? token, {
        connection: ui.connection,
        stayDown: () => view.loggedOut || view.socket !== socket,
        // Refused at the handshake (expired or invalid token): log in again.
        onRefused: (error) => frame.signOut(`Please log in again (${error.message}).`),
      });
    } catch (error) {
      showError(error.message);
      return;
    }
    view.socket = socket;
    socket.on('snapshot', onSnapshot);
    socket.on('offer', onOffer);
    socket.on('offer.withdrawn', onWithdrawn);
    socket.on('contact.connected', onConnected);
    socket.on('contact.ended', onEnded);
    socket.on('contact.noted', onNoted);
    socket.on('operator.state', onState);
    socket.on('broadcast', onBroadcast);
    socket.on('operator.logged_out', onLoggedOut);
    socket.on('chat.message', chatDesk.onMessage);
    socket.on('chat.typing', chatDesk.onTyping);
    socket.on('chat.read', chatDesk.onRead);
    socket.on('chat.customer_left', chatDesk.onCustomerLeft);
  },
  onStop() {
    view.socket?.disconnect();
    view.socket = null;
    Object.assign(view, { token: null, offer: null, contact: null, wrapUpUntil: 0 });
    banner(ui.connection, '');
    banner(ui.broadcast, '', ui.broadcastText);
  },
});

frame.logoutButton.addEventListener('click', () => {
  void (async () => {
    if (['available'].includes(view.state.state)) await setState('away', 'logged_out');
    frame.signOut();
  })();
});
ui.broadcastDismiss.addEventListener('click', () => banner(ui.broadcast, '', ui.broadcastText));
ui.goAvailable.addEventListener('click', () => void setState('available'));
ui.goAway.addEventListener('click', () => void setState('away', ui.awayReason.value));
ui.accept.addEventListener('click', () => void answerOffer('accept'));
ui.reject.addEventListener('click', () => void answerOffer('reject'));
ui.noteForm.addEventListener('submit', async (event) => {
  event.preventDefault();
  const text = ui.noteText.value.trim();
  const contactId = view.contact?.contactId;
  if (!text || !contactId) return;
  const ack = await send('contact.note', { contactId, clientId: `n${Date.now()}-${++noteCounter}`, text });
  if (ack.ok) {
    ui.noteText.value = '';
    onNoted(ack.data);
  }
});
ui.completeForm.addEventListener('submit', (event) => {
  event.preventDefault();
  void endContact('contact.complete', { disposition: ui.disposition.value }, 'Contact completed');
});
ui.transferKind.addEventListener('change', () => void fillTransferTargets());
ui.transferForm.addEventListener('submit', (event) => {
  event.preventDefault();
  const kind = ui.transferKind.value;
  const value = ui.transferTarget.value;
  if (!value) return;
  const target =
    kind === 'queue'
      ? { kind, queue: value }
      : kind === 'operator'
        ? { kind, operatorId: value }
        : { kind, departmentId: value };
  const label = ui.transferTarget.selectedOptions[0]?.textContent ?? value;
  void endContact('contact.transfer', { target }, `Transferred to ${label}`);
});
ui.messageForm.addEventListener('submit', async (event) => {
  event.preventDefault();
  const callback = ui.messageCallback.value.trim();
  await endContact(
    'contact.take-message',
    {
      recipientId: ui.messageRecipient.value || null,
      text: ui.messageText.value.trim(),
      urgency: ui.messageUrgency.value,
      ...(callback ? { callbackAddress: callback } : {}),
    },
    'Message taken',
  );
  if (view.contact?.completed) {
    ui.messageText.value = '';
    ui.messageCallback.value = '';
    ui.messagePanel.open = false;
  }
});
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

frame.resume();
