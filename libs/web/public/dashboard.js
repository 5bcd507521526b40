// The supervisor dashboard: per queue, live, the waiting contacts, the longest wait and the operators by
// state, from the `queues.snapshot` the server pushes about once a second on `/supervisors`.
// Events and payloads: docs/realtime.md (libs/realtime/src/operator-events.contract.ts).
import { banner, byId, connect, duration, login, Session, stateLabel } from './common.js';

const session = new Session('centralino.dashboard');
const ui = {
  who: byId('who'),
  updated: byId('updated'),
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
  dashboardView: byId('dashboard-view'),
  queueRows: byId('queue-rows'),
  operatorRows: byId('operator-rows'),
  waitingRows: byId('waiting-rows'),
  noWaiting: byId('no-waiting'),
  noOperators: byId('no-operators'),
};
let socket = null;
let last = null;

function cell(text, field, numeric = false) {
  const td = document.createElement('td');
  td.textContent = String(text);
  if (field) td.dataset.field = field;
  if (numeric) td.className = 'num';
  return td;
}

/** Rows keyed by id are updated in place, so focus and screen-reader position survive the updates. */
function row(tbody, id, build) {
  let tr = tbody.querySelector(`tr[data-id="${CSS.escape(id)}"]`);
  if (!tr) {
    tr = document.createElement('tr');
    tr.dataset.id = id;
  }
  tr.replaceChildren(...build());
  return tr;
}

function render(snapshot) {
  last = snapshot;
  const offset = Date.now() - snapshot.at;
  ui.updated.hidden = false;
  ui.updated.textContent = `Updated ${new Date(snapshot.at).toLocaleTimeString()}`;
  ui.queueRows.replaceChildren(
    ...snapshot.queues.map((queue) =>
      row(ui.queueRows, queue.id, () => {
        const name = document.createElement('th');
        name.scope = 'row';
        name.textContent = queue.name;
        return [
          name,
          cell(queue.waiting, 'waiting', true),
          cell(queue.offered, 'offered', true),
          cell(queue.oldestEnqueuedAt ? duration(queue.longestWaitSeconds) : '—', 'longest-wait', true),
          cell(queue.operators.available, 'available', true),
          cell(queue.operators.busy + queue.operators.reserved, 'busy', true),
          cell(queue.operators.wrap_up, 'wrap-up', true),
          cell(queue.operators.away, 'away', true),
          cell(
            queue.today.serviceLevelPercent === null
              ? '—'
              : `${queue.today.serviceLevelPercent}% ≤ ${queue.today.targetSeconds} s`,
            'service-level',
            true,
          ),
          cell(
            queue.today.averageSpeedOfAnswerSeconds === null
              ? '—'
              : duration(queue.today.averageSpeedOfAnswerSeconds),
            'asa',
            true,
          ),
          cell(queue.today.answered, 'answered', true),
          cell(
            queue.today.abandoned +
              (queue.today.abandonmentRatePercent === null
                ? ''
                : ` (${queue.today.abandonmentRatePercent}%)`),
            'abandoned',
            true,
          ),
        ];
      }),
    ),
  );
  const waiting = snapshot.queues
    .flatMap((queue) => queue.waitingContacts.map((contact) => ({ ...contact, queue: queue.name })))
    .sort((a, b) => a.enqueuedAt - b.enqueuedAt);
  ui.waitingRows.replaceChildren(
    ...waiting.map((contact) =>
      row(ui.waitingRows, contact.contactId, () => [
        cell(contact.queue, 'queue'),
        cell(duration((Date.now() - contact.enqueuedAt) / 1000), 'waited', true),
        cell(contact.language || '—', 'language'),
        cell(contact.contactId.slice(0, 8), 'contact'),
      ]),
    ),
  );
  ui.noWaiting.hidden = waiting.length > 0;
  ui.operatorRows.replaceChildren(
    ...snapshot.operators.map((operator) =>
      row(ui.operatorRows, operator.id, () => [
        cell(operator.displayName, 'name'),
        cell(
          stateLabel(operator.state) + (operator.reason ? ` (${operator.reason.replaceAll('_', ' ')})` : ''),
          'state',
        ),
        cell(duration((snapshot.at + offset - operator.since) / 1000), 'since', true),
        cell(operator.skills.join(', ') || '—', 'skills'),
      ]),
    ),
  );
  ui.noOperators.hidden = snapshot.operators.length > 0;
}

function start(token, name) {
  ui.loginView.hidden = true;
  ui.dashboardView.hidden = false;
  ui.logout.hidden = false;
  ui.who.hidden = false;
  ui.who.textContent = name;
  try {
    socket = connect('/supervisors', token);
  } catch (error) {
    banner(ui.error, error.message, ui.errorText);
    return;
  }
  socket.on('connect', () => banner(ui.connection, ''));
  socket.on('disconnect', (reason) => {
    if (reason !== 'io client disconnect') banner(ui.connection, 'Connection lost: reconnecting…');
  });
  socket.on('connect_error', (error) => {
    if (socket.active) {
      banner(ui.connection, 'Cannot reach the server: reconnecting…');
      return;
    }
    stop();
    showLogin(
      error.data?.code === 'forbidden'
        ? 'This dashboard is for supervisors: log in with a supervisor account.'
        : `Please log in again (${error.message}).`,
    );
  });
  socket.on('queues.snapshot', render);
}

function stop() {
  socket?.disconnect();
  socket = null;
  last = null;
  session.clear();
}

function showLogin(message = '') {
  ui.dashboardView.hidden = true;
  ui.logout.hidden = true;
  ui.who.hidden = true;
  ui.updated.hidden = true;
  ui.loginView.hidden = false;
  banner(ui.connection, '');
  ui.loginError.textContent = message;
  ui.username.focus();
}

ui.loginForm.addEventListener('submit', async (event) => {
  event.preventDefault();
  ui.loginError.textContent = '';
  try {
    const result = await login(ui.username.value.trim(), ui.password.value);
    ui.password.value = '';
    if (!['supervisor', 'admin'].includes(result.operator.role)) {
      ui.loginError.textContent = 'This dashboard is for supervisors: log in with a supervisor account.';
      return;
    }
    const name = result.operator.displayName || result.operator.username;
    session.save({ token: result.accessToken, name });
    start(result.accessToken, name);
  } catch (error) {
    ui.loginError.textContent = error.message;
  }
});
ui.logout.addEventListener('click', () => {
  stop();
  showLogin();
});
ui.errorDismiss.addEventListener('click', () => banner(ui.error, '', ui.errorText));
// Keeps "in state for" moving between snapshots.
setInterval(() => {
  if (last && document.visibilityState === 'visible' && Date.now() - last.at > 1500) render(last);
}, 1000);

const saved = session.get();
if (saved?.token) start(saved.token, saved.name);
else showLogin();
