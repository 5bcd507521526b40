// The departments' inbox: list and filter the messages taken for a department, open one, assign it,
// add reply notes and mark it done. REST only (docs/back-office.md); refreshed every 20 s.
import { banner, byId, getJson, keepFresh, login, Session, sessionTokens } from './common.js';

const session = new Session('centralino.inbox');
const ui = {
  who: byId('who'),
  updated: byId('updated'),
  logout: byId('logout'),
  error: byId('error-banner'),
  errorText: byId('error-text'),
  errorDismiss: byId('error-dismiss'),
  loginView: byId('login-view'),
  loginForm: byId('login-form'),
  loginError: byId('login-error'),
  username: byId('username'),
  password: byId('password'),
  inboxView: byId('inbox-view'),
  filters: byId('filters'),
  department: byId('filter-department'),
  status: byId('filter-status'),
  urgency: byId('filter-urgency'),
  from: byId('filter-from'),
  to: byId('filter-to'),
  rows: byId('message-rows'),
  noMessages: byId('no-messages'),
  detail: byId('detail'),
  detailStatus: byId('detail-status'),
  detailRecipient: byId('detail-recipient'),
  detailCaller: byId('detail-caller'),
  detailCallback: byId('detail-callback'),
  detailProblem: byId('detail-problem'),
  detailUrgency: byId('detail-urgency'),
  detailTaken: byId('detail-taken'),
  detailAssignee: byId('detail-assignee'),
  detailText: byId('detail-text'),
  detailNotes: byId('detail-notes'),
  noNotes: byId('no-notes'),
  detailDeliveries: byId('detail-deliveries'),
  assignForm: byId('assign-form'),
  assignee: byId('assignee'),
  replyForm: byId('reply-form'),
  replyText: byId('reply-text'),
  done: byId('done'),
  closeDetail: byId('close-detail'),
};

const STATUS_LABELS = { new: 'New', assigned: 'Assigned', answered: 'Answered', done: 'Done' };
let token = null;
let inboxes = [];
let openId = null;
let timer = null;

function when(value) {
  return value ? new Date(value).toLocaleString() : '—';
}

function option(value, text) {
  const element = document.createElement('option');
  element.value = value;
  element.textContent = text;
  return element;
}

function cell(text, field) {
  const td = document.createElement('td');
  td.textContent = text;
  td.dataset.field = field;
  return td;
}

function showError(error) {
  banner(ui.error, error.message || String(error), ui.errorText);
}

async function post(path, body) {
  const response = await fetch(path, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify(body),
  });
  const result = await response.json().catch(() => ({}));
  if (!response.ok) throw new Error(result.message || `${path}: ${response.status}`);
  return result;
}

function query() {
  const params = new URLSearchParams();
  if (ui.department.value) params.set('department', ui.department.value);
  if (ui.status.value) params.set('status', ui.status.value);
  if (ui.urgency.value) params.set('urgency', ui.urgency.value);
  // Dates are the user's local days: from the start of `from` to the end of `to`.
  if (ui.from.value) params.set('from', new Date(`${ui.from.value}T00:00:00`).toISOString());
  if (ui.to.value) {
    const end = new Date(`${ui.to.value}T00:00:00`);
    end.setDate(end.getDate() + 1);
    params.set('to', end.toISOString());
  }
  return params.toString();
}

async function refresh() {
  try {
    const { messages } = await getJson(`/messages?${query()}`, token);
    ui.rows.replaceChildren(
      ...messages.map((message) => {
        const tr = document.createElement('tr');
        tr.dataset.id = message.id;
        tr.dataset.status = message.status;
        const open = document.createElement('button');
        open.type = 'button';
        open.textContent = 'Open';
        open.setAttribute('aria-label', `Open the message from ${message.caller.name || message.caller.address}`);
        open.addEventListener('click', () => openMessage(message.id));
        const action = document.createElement('td');
        action.append(open);
        tr.append(
          cell(when(message.createdAt), 'received'),
          cell(message.departmentName, 'inbox'),
          cell(message.recipientName || message.departmentName, 'recipient'),
          cell(message.caller.name ? `${message.caller.name} (${message.caller.address})` : message.caller.address, 'caller'),
          cell(message.urgency === 'urgent' ? 'Urgent' : 'Normal', 'urgency'),
          cell(STATUS_LABELS[message.status] || message.status, 'status'),
          cell(message.assignee ? message.assignee.name : '—', 'assignee'),
          action,
        );
        return tr;
      }),
    );
    ui.noMessages.hidden = messages.length > 0;
    ui.updated.hidden = false;
    ui.updated.textContent = `Updated ${new Date().toLocaleTimeString()}`;
  } catch (error) {
    showError(error);
  }
}

function renderDetail(message) {
  openId = message.id;
  ui.detail.hidden = false;
  ui.detail.dataset.id = message.id;
  ui.detailStatus.textContent = STATUS_LABELS[message.status] || message.status;
  ui.detailStatus.dataset.state = message.status;
  ui.detailRecipient.textContent = message.recipientName
    ? `${message.recipientName} (${message.departmentName})`
    : message.departmentName;
  ui.detailCaller.textContent = message.caller.name ? `${message.caller.name}, ${message.caller.address}` : message.caller.address;
  ui.detailCallback.textContent = message.caller.callbackAddress || message.caller.address;
  ui.detailProblem.textContent = message.problemType || '—';
  ui.detailUrgency.textContent = message.urgency === 'urgent' ? 'Urgent' : 'Normal';
  ui.detailTaken.textContent = `${when(message.takenAt)} (${message.source}${message.takenBy ? `, by ${message.takenBy}` : ''})`;
  ui.detailAssignee.textContent = message.assignee ? message.assignee.name : '—';
  ui.detailText.textContent = message.text;
  ui.detailNotes.replaceChildren(
    ...message.notes.map((note) => {
      const item = document.createElement('li');
      item.textContent = `${when(note.at)} · ${note.author.name}: ${note.text}`;
      return item;
    }),
  );
  ui.noNotes.hidden = message.notes.length > 0;
  ui.detailDeliveries.replaceChildren(
    ...(message.deliveries.length
      ? message.deliveries.map((delivery) => {
          const item = document.createElement('li');
          item.textContent = `${delivery.channel} to ${delivery.target}: ${delivery.status}${delivery.lastError ? ` (${delivery.lastError})` : ''}`;
          return item;
        })
      : [Object.assign(document.createElement('li'), { textContent: 'Inbox only' })]),
  );
  const inbox = inboxes.find((candidate) => candidate.id === message.department);
  const candidates = [...(inbox?.assignees ?? [])];
  if (message.assignee && !candidates.some((person) => person.id === message.assignee.id)) candidates.push(message.assignee);
  ui.assignee.replaceChildren(...candidates.map((person) => option(person.id, person.name)));
  if (message.assignee) ui.assignee.value = message.assignee.id;
  const done = message.status === 'done';
  ui.assignForm.hidden = done || candidates.length === 0;
  ui.done.disabled = done;
}

async function openMessage(id) {
  try {
    renderDetail(await getJson(`/messages/${encodeURIComponent(id)}`, token));
    if (location.hash !== `#${id}`) history.replaceState(null, '', `#${id}`);
    ui.detail.scrollIntoView({ block: 'nearest' });
  } catch (error) {
    showError(error);
  }
}

async function act(path, body) {
  try {
    renderDetail(await post(`/messages/${encodeURIComponent(openId)}/${path}`, body));
    await refresh();
  } catch (error) {
    showError(error);
  }
}

// The access token is refreshed in the background (`token` follows it).
let stopRefreshing = () => {};

async function start(savedToken, name) {
  token = savedToken;
  stopRefreshing();
  stopRefreshing = keepFresh(session, (saved) => {
    token = saved.token;
  });
  ui.loginView.hidden = true;
  ui.inboxView.hidden = false;
  ui.logout.hidden = false;
  ui.who.hidden = false;
  ui.who.textContent = name;
  try {
    ({ inboxes } = await getJson('/messages/inboxes', token));
  } catch (error) {
    stop();
    showLogin(`Please log in again (${error.message}).`);
    return;
  }
  ui.department.replaceChildren(option('', 'All my inboxes'), ...inboxes.map((inbox) => option(inbox.id, inbox.name)));
  await refresh();
  const wanted = location.hash.slice(1);
  if (wanted) await openMessage(wanted);
  timer = setInterval(() => {
    if (document.visibilityState === 'visible') void refresh();
  }, 20_000);
}

function stop() {
  stopRefreshing();
  clearInterval(timer);
  timer = null;
  token = null;
  openId = null;
  session.clear();
}

function showLogin(message = '') {
  ui.inboxView.hidden = true;
  ui.detail.hidden = true;
  ui.logout.hidden = true;
  ui.who.hidden = true;
  ui.updated.hidden = true;
  ui.loginView.hidden = false;
  ui.loginError.textContent = message;
  ui.username.focus();
}

ui.loginForm.addEventListener('submit', async (event) => {
  event.preventDefault();
  ui.loginError.textContent = '';
  try {
    const result = await login(ui.username.value.trim(), ui.password.value);
    ui.password.value = '';
    const name = result.operator.displayName || result.operator.username;
    session.save({ ...sessionTokens(result), name });
    await start(result.accessToken, name);
  } catch (error) {
    ui.loginError.textContent = error.message;
  }
});
ui.logout.addEventListener('click', () => {
  stop();
  showLogin();
});
ui.filters.addEventListener('submit', (event) => {
  event.preventDefault();
  void refresh();
});
for (const control of [ui.department, ui.status, ui.urgency, ui.from, ui.to]) {
  control.addEventListener('change', () => void refresh());
}
ui.assignForm.addEventListener('submit', (event) => {
  event.preventDefault();
  void act('assign', { assignee: ui.assignee.value });
});
ui.replyForm.addEventListener('submit', async (event) => {
  event.preventDefault();
  const text = ui.replyText.value.trim();
  if (!text) return;
  await act('notes', { text });
  ui.replyText.value = '';
});
ui.done.addEventListener('click', () => void act('done', {}));
ui.closeDetail.addEventListener('click', () => {
  ui.detail.hidden = true;
  openId = null;
  history.replaceState(null, '', location.pathname);
});
ui.errorDismiss.addEventListener('click', () => banner(ui.error, '', ui.errorText));

const saved = session.get();
if (saved?.token) void start(saved.token, saved.name);
else showLogin();
