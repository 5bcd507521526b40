// The supervisor dashboard: per queue, live, the waiting contacts, the longest wait, today's figures and
// the operators by state, from the `queues.snapshot` the server pushes about once a second on
// `/supervisors`; a chart of the last hour kept from those snapshots; and the supervisor actions (move a
// waiting contact, raise its priority, set an operator away or log them out, broadcast a message).
// Events and payloads: docs/realtime.md (libs/realtime/src/operator-events.contract.ts).
import { banner, byId, createPageFrame, duration, liveSocket, request, stateLabel } from './common.js';

const MAX_PRIORITY = 10; // MAX_CONTACT_PRIORITY in the contract
const HISTORY_KEY = 'centralino.dashboard.history';
const HISTORY_MS = 60 * 60 * 1000;
const SAMPLE_MS = 10_000;

const ui = {
  updated: byId('updated'),
  connection: byId('connection-banner'),
  dashboardView: byId('dashboard-view'),
  queueRows: byId('queue-rows'),
  operatorRows: byId('operator-rows'),
  waitingRows: byId('waiting-rows'),
  noWaiting: byId('no-waiting'),
  noOperators: byId('no-operators'),
  chart: byId('live-chart'),
  chartQueue: byId('chart-queue'),
  chartSummary: byId('chart-summary'),
  awayReason: byId('operator-away-reason'),
  broadcastForm: byId('broadcast-form'),
  broadcastText: byId('broadcast-text'),
  broadcasts: byId('broadcasts'),
  actionStatus: byId('action-status'),
};
let socket = null;
let last = null;

// ---------------------------------------------------------------------------------------------------
// Tables. Rows are keyed by id and their cells updated in place (never rebuilt), so a focused action
// button or an open select survives the once-a-second updates, and so does a screen reader's position.
function syncRows(tbody, items, keyOf, cellsOf, actionsOf) {
  const wanted = new Set(items.map(keyOf));
  for (const tr of [...tbody.children]) if (!wanted.has(tr.dataset.id)) tr.remove();
  items.forEach((item, index) => {
    const id = keyOf(item);
    let tr = tbody.querySelector(`tr[data-id="${CSS.escape(id)}"]`);
    const cells = cellsOf(item);
    if (!tr) {
      tr = document.createElement('tr');
      tr.dataset.id = id;
      for (const cell of cells) {
        const td = document.createElement(cell.header ? 'th' : 'td');
        if (cell.header) td.scope = 'row';
        if (cell.field) td.dataset.field = cell.field;
        if (cell.numeric) td.className = 'num';
        tr.append(td);
      }
      if (actionsOf) {
        const td = document.createElement('td');
        td.className = 'actions';
        td.append(...actionsOf(item, tr));
        tr.append(td);
      }
    }
    cells.forEach((cell, i) => {
      const text = String(cell.text);
      if (tr.children[i].textContent !== text) tr.children[i].textContent = text;
    });
    tr.item = item;
    if (tbody.children[index] !== tr) tbody.insertBefore(tr, tbody.children[index] ?? null);
  });
}

const percentOrDash = (value) => (value === null ? '—' : `${value}%`);

function renderQueues(snapshot) {
  syncRows(
    ui.queueRows,
    snapshot.queues,
    (queue) => queue.id,
    (queue) => [
      // A queue closed by its calendar says so, and when it opens again.
      {
        text:
          queue.open === false
            ? `${queue.name} (closed${queue.nextOpening ? ` until ${new Date(queue.nextOpening).toLocaleString()}` : ''})`
            : queue.name,
        header: true,
      },
      { text: queue.waiting, field: 'waiting', numeric: true },
      { text: queue.offered, field: 'offered', numeric: true },
      {
        text: queue.oldestEnqueuedAt ? duration(queue.longestWaitSeconds) : '—',
        field: 'longest-wait',
        numeric: true,
      },
      {
        text: queue.estimatedWaitSeconds === null ? '—' : duration(queue.estimatedWaitSeconds),
        field: 'estimated-wait',
        numeric: true,
      },
      { text: queue.operators.available, field: 'available', numeric: true },
      { text: queue.operators.busy + queue.operators.reserved, field: 'busy', numeric: true },
      { text: queue.operators.wrap_up, field: 'wrap-up', numeric: true },
      { text: queue.operators.away, field: 'away', numeric: true },
      {
        text:
          queue.today.serviceLevelPercent === null
            ? '—'
            : `${queue.today.serviceLevelPercent}% ≤ ${queue.today.targetSeconds} s`,
        field: 'service-level',
        numeric: true,
      },
      {
        text:
          queue.today.averageSpeedOfAnswerSeconds === null
            ? '—'
            : duration(queue.today.averageSpeedOfAnswerSeconds),
        field: 'asa',
        numeric: true,
      },
      { text: queue.today.answered, field: 'answered', numeric: true },
      { text: queue.today.abandoned, field: 'abandoned', numeric: true },
      { text: percentOrDash(queue.today.abandonmentRatePercent), field: 'abandonment', numeric: true },
    ],
  );
}

function waitingActions(contact, tr) {
  const short = contact.contactId.slice(0, 8);
  const select = document.createElement('select');
  select.setAttribute('aria-label', `Move contact ${short} to`);
  select.dataset.action = 'move-target';
  for (const queue of last?.queues ?? []) {
    if (queue.id === contact.queueId) continue;
    const option = document.createElement('option');
    option.value = queue.id;
    option.textContent = queue.name;
    select.append(option);
  }
  const move = document.createElement('button');
  move.type = 'button';
  move.textContent = 'Move';
  move.setAttribute('aria-label', `Move contact ${short}`);
  move.addEventListener('click', () =>
    act('contact.move', { contactId: tr.item.contactId, queue: select.value }, `Contact ${short} moved`),
  );
  const raise = document.createElement('button');
  raise.type = 'button';
  raise.textContent = 'Raise priority';
  raise.setAttribute('aria-label', `Raise the priority of contact ${short}`);
  raise.addEventListener('click', () =>
    act(
      'contact.priority',
      { contactId: tr.item.contactId, priority: Math.min(MAX_PRIORITY, (tr.item.priority ?? 0) + 1) },
      `Contact ${short}: priority raised`,
    ),
  );
  return [select, move, raise];
}

function renderWaiting(snapshot) {
  const waiting = snapshot.queues
    .flatMap((queue) =>
      queue.waitingContacts.map((contact) => ({ ...contact, queueId: queue.id, queue: queue.name })),
    )
    .sort((a, b) => a.enqueuedAt - b.enqueuedAt);
  syncRows(
    ui.waitingRows,
    waiting,
    (contact) => contact.contactId,
    (contact) => [
      { text: contact.queue, field: 'queue' },
      { text: duration((Date.now() - contact.enqueuedAt) / 1000), field: 'waited', numeric: true },
      { text: contact.language || '—', field: 'language' },
      { text: contact.priority ?? 0, field: 'priority', numeric: true },
      { text: contact.contactId.slice(0, 8), field: 'contact' },
    ],
    waitingActions,
  );
  ui.noWaiting.hidden = waiting.length > 0;
}

function operatorActions(operator, tr) {
  const away = document.createElement('button');
  away.type = 'button';
  away.textContent = 'Set away';
  away.setAttribute('aria-label', `Set ${operator.displayName} away`);
  away.addEventListener('click', () =>
    act(
      'operator.set-away',
      { operatorId: tr.item.id, reason: ui.awayReason.value },
      `${tr.item.displayName} set away`,
    ),
  );
  const logout = document.createElement('button');
  logout.type = 'button';
  logout.className = 'danger';
  logout.textContent = 'Log out';
  logout.setAttribute('aria-label', `Log ${operator.displayName} out`);
  logout.addEventListener('click', () =>
    act('operator.logout', { operatorId: tr.item.id }, `${tr.item.displayName} logged out`),
  );
  return [away, logout];
}

function renderOperators(snapshot, offset) {
  syncRows(
    ui.operatorRows,
    snapshot.operators,
    (operator) => operator.id,
    (operator) => [
      { text: operator.displayName, field: 'name' },
      {
        text:
          stateLabel(operator.state) + (operator.reason ? ` (${operator.reason.replaceAll('_', ' ')})` : ''),
        field: 'state',
      },
      { text: duration((snapshot.at + offset - operator.since) / 1000), field: 'since', numeric: true },
      { text: operator.skills.join(', ') || '—', field: 'skills' },
    ],
    operatorActions,
  );
  ui.noOperators.hidden = snapshot.operators.length > 0;
}

// ---------------------------------------------------------------------------------------------------
// The last hour: one point every SAMPLE_MS from the snapshots, kept in sessionStorage so a reload of the
// tab keeps its chart (there is no server-side history of the live figures).
let history = [];
function loadHistory() {
  try {
    history = JSON.parse(sessionStorage.getItem(HISTORY_KEY) || '[]');
  } catch {
    history = [];
  }
}
function sample(snapshot) {
  const previous = history.at(-1);
  if (previous && snapshot.at - previous.at < SAMPLE_MS) return;
  history.push({
    at: snapshot.at,
    queues: Object.fromEntries(
      snapshot.queues.map((queue) => [
        queue.id,
        [queue.waiting, queue.today.answered, queue.today.answeredWithinTarget],
      ]),
    ),
  });
  history = history.filter((point) => point.at > snapshot.at - HISTORY_MS);
  sessionStorage.setItem(HISTORY_KEY, JSON.stringify(history));
}

/** Waiting contacts and service level (answered within target / answered, today) of one point. */
function figures(point, queueId) {
  const rows = queueId ? [point.queues[queueId]].filter(Boolean) : Object.values(point.queues);
  const waiting = rows.reduce((sum, row) => sum + row[0], 0);
  const answered = rows.reduce((sum, row) => sum + row[1], 0);
  const within = rows.reduce((sum, row) => sum + row[2], 0);
  return { waiting, serviceLevel: answered ? Math.round((within / answered) * 1000) / 10 : null };
}

const SVG = 'http://www.w3.org/2000/svg';
function svg(name, attributes, text) {
  const element = document.createElementNS(SVG, name);
  for (const [key, value] of Object.entries(attributes)) element.setAttribute(key, String(value));
  if (text !== undefined) element.textContent = text;
  return element;
}

function renderChart(now) {
  const queueId = ui.chartQueue.value;
  const points = history.map((point) => ({ at: point.at, ...figures(point, queueId) }));
  const [left, right, top, bottom] = [40, 560, 10, 150];
  const x = (at) => left + ((at - (now - HISTORY_MS)) / HISTORY_MS) * (right - left);
  const maxWaiting = Math.max(4, ...points.map((point) => point.waiting));
  const yWaiting = (value) => bottom - (value / maxWaiting) * (bottom - top);
  const yLevel = (value) => bottom - (value / 100) * (bottom - top);
  const line = (values, y) =>
    values
      .filter((point) => point.value !== null)
      .map((point) => `${x(point.at).toFixed(1)},${y(point.value).toFixed(1)}`)
      .join(' ');
  const children = [
    svg('line', { x1: left, y1: bottom, x2: right, y2: bottom, class: 'axis' }),
    svg('text', { x: left - 6, y: top + 8, 'text-anchor': 'end', class: 'tick' }, String(maxWaiting)),
    svg('text', { x: left - 6, y: bottom, 'text-anchor': 'end', class: 'tick' }, '0'),
    svg('text', { x: right + 6, y: top + 8, class: 'tick' }, '100%'),
    svg('text', { x: right + 6, y: bottom, class: 'tick' }, '0%'),
    svg('text', { x: left, y: bottom + 18, class: 'tick' }, '−60 min'),
    svg('text', { x: right, y: bottom + 18, 'text-anchor': 'end', class: 'tick' }, 'now'),
    svg('polyline', {
      points: line(
        points.map((p) => ({ at: p.at, value: p.waiting })),
        yWaiting,
      ),
      class: 'series-waiting',
    }),
    svg('polyline', {
      points: line(
        points.map((p) => ({ at: p.at, value: p.serviceLevel })),
        yLevel,
      ),
      class: 'series-level',
    }),
    svg('text', { x: left + 6, y: bottom + 18 + 12, class: 'legend-waiting' }, '— waiting'),
    svg('text', { x: left + 90, y: bottom + 18 + 12, class: 'legend-level' }, '— service level today'),
  ];
  ui.chart.setAttribute('viewBox', '0 0 600 185');
  ui.chart.replaceChildren(...children);
  const current = points.at(-1);
  ui.chartSummary.textContent = current
    ? `Now ${current.waiting} waiting, service level today ${percentOrDash(current.serviceLevel)}; ${points.length} points since ${new Date(points[0].at).toLocaleTimeString()}.`
    : 'No data yet.';
}

function fillChartQueues(snapshot) {
  if (ui.chartQueue.options.length > 1) return;
  for (const queue of snapshot.queues) {
    const option = document.createElement('option');
    option.value = queue.id;
    option.textContent = queue.name;
    ui.chartQueue.append(option);
  }
}

// ---------------------------------------------------------------------------------------------------
function render(snapshot) {
  last = snapshot;
  const offset = Date.now() - snapshot.at;
  ui.updated.textContent = `Updated ${new Date(snapshot.at).toLocaleTimeString()}`;
  renderQueues(snapshot);
  renderWaiting(snapshot);
  renderOperators(snapshot, offset);
  fillChartQueues(snapshot);
  sample(snapshot);
  renderChart(snapshot.at);
}

/** Sends a supervisor action; the next snapshot shows its effect, the status line says it was done. */
async function act(event, payload, done) {
  const ack = await request(socket, event, payload);
  if (ack.ok) {
    frame.clearError();
    ui.actionStatus.textContent = done;
  } else {
    frame.showError(ack.error.message);
  }
  return ack;
}

function showBroadcast(message) {
  if (ui.broadcasts.querySelector(`li[data-id="${CSS.escape(message.id)}"]`)) return;
  const item = document.createElement('li');
  item.dataset.id = message.id;
  item.textContent = `${new Date(message.at).toLocaleTimeString()} · ${message.from.displayName}: ${message.text}`;
  ui.broadcasts.prepend(item);
}

const frame = createPageFrame({
  sessionKey: 'centralino.dashboard',
  view: ui.dashboardView,
  extras: [ui.updated],
  roles: ['supervisor', 'admin'],
  rolesMessage: 'This dashboard is for supervisors: log in with a supervisor account.',
  onStart({ token }) {
    loadHistory();
    try {
      socket = liveSocket('/supervisors', () => frame.currentToken() ?? token, {
        connection: ui.connection,
        stayDown: () => socket === null,
        onRefused: (error) =>
          frame.signOut(
            error.data?.code === 'forbidden'
              ? 'This dashboard is for supervisors: log in with a supervisor account.'
              : `Please log in again (${error.message}).`,
          ),
      });
    } catch (error) {
      frame.showError(error.message);
      return;
    }
    socket.on('queues.snapshot', render);
    socket.on('broadcast', showBroadcast);
  },
  onStop() {
    socket?.disconnect();
    socket = null;
    last = null;
    banner(ui.connection, '');
  },
});

frame.logoutButton.addEventListener('click', () => frame.signOut());
ui.chartQueue.addEventListener('change', () => last && renderChart(last.at));
ui.broadcastForm.addEventListener('submit', async (event) => {
  event.preventDefault();
  const text = ui.broadcastText.value.trim();
  if (!text) return;
  const ack = await act('broadcast', { text }, 'Message sent to every operator');
  if (ack.ok) {
    ui.broadcastText.value = '';
    showBroadcast(ack.data);
  }
});
// Keeps "in state for" and the waits moving between snapshots.
setInterval(() => {
  if (last && document.visibilityState === 'visible' && Date.now() - last.at > 1500) render(last);
}, 1000);

frame.resume();
