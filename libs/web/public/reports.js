// The reports page: interval figures over a chosen range (GET /reports/intervals), drawn as inline SVG
// charts and a table, the CSV export, and a caller's history. Definitions: docs/reporting.md.
import { banner, byId, duration, getJson, keepFresh, login, Session, sessionTokens } from './common.js';

const SVG = 'http://www.w3.org/2000/svg';
const session = new Session('centralino.reports');
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
  reportsView: byId('reports-view'),
  rangeForm: byId('range-form'),
  from: byId('from'),
  to: byId('to'),
  interval: byId('interval'),
  groupBy: byId('group-by'),
  csv: byId('csv'),
  totals: byId('totals'),
  chart: byId('chart'),
  slChart: byId('sl-chart'),
  rowBody: byId('row-body'),
  noRows: byId('no-rows'),
  historyForm: byId('history-form'),
  caller: byId('caller'),
  history: byId('history'),
};

function isoDate(date) {
  return `${date.getFullYear()}-${String(date.getMonth() + 1).padStart(2, '0')}-${String(date.getDate()).padStart(2, '0')}`;
}

/** The query string of the chosen range; the "to" date is inclusive on the page, exclusive in the API. */
function query() {
  const to = new Date(`${ui.to.value}T12:00:00`);
  to.setDate(to.getDate() + 1);
  return new URLSearchParams({
    from: ui.from.value,
    to: isoDate(to),
    interval: ui.interval.value,
    groupBy: ui.groupBy.value,
  }).toString();
}

function cell(text, field, numeric = false) {
  const td = document.createElement('td');
  td.textContent = String(text);
  if (field) td.dataset.field = field;
  if (numeric) td.className = 'num';
  return td;
}

const orDash = (value, format = (v) => v) => (value === null || value === undefined ? '—' : format(value));

function svg(name, attributes, text) {
  const element = document.createElementNS(SVG, name);
  for (const [key, value] of Object.entries(attributes)) element.setAttribute(key, String(value));
  if (text !== undefined) element.textContent = text;
  return element;
}

/** The rows of all groups added up per interval, in time order. */
function perInterval(rows) {
  const byStart = new Map();
  for (const row of rows) {
    const entry = byStart.get(row.intervalStart) ?? { start: row.intervalStart, answered: 0, abandoned: 0, within: 0 };
    entry.answered += row.answered;
    entry.abandoned += row.abandoned;
    entry.within += row.answeredWithinTarget;
    byStart.set(row.intervalStart, entry);
  }
  return [...byStart.values()].sort((a, b) => Date.parse(a.start) - Date.parse(b.start));
}

function label(start, interval) {
  const date = new Date(start);
  return interval === '1d' ? date.toLocaleDateString() : date.toLocaleString([], { dateStyle: 'short', timeStyle: 'short' });
}

/** Stacked bars (answered, abandoned) per interval. */
function drawBars(points, interval) {
  const width = 800;
  const height = 180;
  const bottom = height - 20;
  const max = Math.max(1, ...points.map((p) => p.answered + p.abandoned));
  const step = width / Math.max(points.length, 1);
  const chart = svg('svg', { viewBox: `0 0 ${width} ${height}`, preserveAspectRatio: 'none' });
  chart.append(svg('line', { class: 'axis', x1: 0, y1: bottom, x2: width, y2: bottom }));
  chart.append(svg('text', { x: 2, y: 12 }, String(max)));
  points.forEach((point, index) => {
    const x = index * step + step * 0.1;
    const w = Math.max(1, step * 0.8);
    const answered = (point.answered / max) * (bottom - 16);
    const abandoned = (point.abandoned / max) * (bottom - 16);
    const bar = svg('rect', { class: 'bar-answered', x, y: bottom - answered, width: w, height: answered });
    bar.dataset.start = point.start;
    bar.dataset.answered = point.answered;
    bar.append(svg('title', {}, `${label(point.start, interval)}: ${point.answered} answered, ${point.abandoned} abandoned`));
    const lost = svg('rect', { class: 'bar-abandoned', x, y: bottom - answered - abandoned, width: w, height: abandoned });
    lost.dataset.abandoned = point.abandoned;
    chart.append(bar, lost);
  });
  if (points.length > 0) {
    chart.append(svg('text', { x: 2, y: height - 4 }, label(points[0].start, interval)));
    chart.append(svg('text', { x: width - 2, y: height - 4, 'text-anchor': 'end' }, label(points.at(-1).start, interval)));
  }
  ui.chart.replaceChildren(chart);
}

/** Service level (%) per interval with answers, as a line. */
function drawServiceLevel(points, interval) {
  const width = 800;
  const height = 180;
  const bottom = height - 20;
  const step = width / Math.max(points.length, 1);
  const chart = svg('svg', { viewBox: `0 0 ${width} ${height}`, preserveAspectRatio: 'none' });
  chart.append(svg('line', { class: 'axis', x1: 0, y1: bottom, x2: width, y2: bottom }));
  chart.append(svg('text', { x: 2, y: 12 }, '100%'));
  const coordinates = points
    .map((point, index) => ({ point, index }))
    .filter(({ point }) => point.answered > 0)
    .map(({ point, index }) => `${index * step + step / 2},${bottom - (point.within / point.answered) * (bottom - 16)}`);
  if (coordinates.length > 0) chart.append(svg('polyline', { class: 'line-sl', points: coordinates.join(' ') }));
  if (points.length > 0) chart.append(svg('text', { x: 2, y: height - 4 }, label(points[0].start, interval)));
  ui.slChart.replaceChildren(chart);
}

function renderTotals(total) {
  const items = [
    ['offered', 'Offered', total.offered],
    ['answered', 'Answered', total.answered],
    ['abandoned', 'Abandoned', `${total.abandoned} (${total.shortAbandons} short)`],
    ['service-level', 'Service level', orDash(total.serviceLevelPercent, (v) => `${v}%`)],
    ['asa', 'ASA', orDash(total.averageSpeedOfAnswerSeconds, duration)],
    ['aht', 'AHT', orDash(total.averageHandleTimeSeconds, duration)],
    ['abandonment-rate', 'Abandonment rate', orDash(total.abandonmentRatePercent, (v) => `${v}%`)],
    ['longest-wait', 'Longest wait', duration(total.longestWaitSeconds)],
    ['messages', 'Messages taken', total.messagesTaken],
    ['closed', 'Closed (queue rules)', total.closed ?? 0],
    ['transfers', 'Transfers', total.transfers],
  ];
  if (total.occupancyPercent !== undefined) items.push(['occupancy', 'Occupancy', orDash(total.occupancyPercent, (v) => `${v}%`)]);
  ui.totals.replaceChildren(
    ...items.map(([field, name, value]) => {
      const group = document.createElement('div');
      const term = document.createElement('dt');
      term.textContent = name;
      const detail = document.createElement('dd');
      detail.dataset.field = field;
      detail.textContent = String(value);
      group.append(term, detail);
      return group;
    }),
  );
}

function render(report) {
  renderTotals(report.total);
  const points = perInterval(report.rows);
  drawBars(points, report.interval);
  drawServiceLevel(points, report.interval);
  ui.rowBody.replaceChildren(
    ...report.rows.map((row) => {
      const tr = document.createElement('tr');
      tr.dataset.start = row.intervalStart;
      tr.dataset.key = row.key ?? '';
      tr.append(
        cell(label(row.intervalStart, report.interval), 'interval'),
        cell(row.label, 'group'),
        cell(row.offered, 'offered', true),
        cell(row.answered, 'answered', true),
        cell(`${row.abandoned} (${row.shortAbandons})`, 'abandoned', true),
        cell(orDash(row.serviceLevelPercent, (v) => `${v}%`), 'service-level', true),
        cell(orDash(row.averageSpeedOfAnswerSeconds, duration), 'asa', true),
        cell(orDash(row.averageHandleTimeSeconds, duration), 'aht', true),
        cell(duration(row.longestWaitSeconds), 'longest-wait', true),
        cell(row.messagesTaken, 'messages', true),
        cell(row.closed ?? 0, 'closed', true),
        cell(row.transfers, 'transfers', true),
        cell(orDash(row.occupancyPercent, (v) => `${v}%`), 'occupancy', true),
      );
      return tr;
    }),
  );
  ui.noRows.hidden = report.rows.length > 0;
}

async function show() {
  const saved = session.get();
  if (!saved) return;
  banner(ui.error, '', ui.errorText);
  try {
    render(await getJson(`/reports/intervals?${query()}`, saved.token));
  } catch (error) {
    banner(ui.error, error.message, ui.errorText);
  }
}

async function downloadCsv() {
  const saved = session.get();
  if (!saved) return;
  const response = await fetch(`/reports/intervals.csv?${query()}`, { headers: { authorization: `Bearer ${saved.token}` } });
  if (!response.ok) {
    const body = await response.json().catch(() => ({}));
    banner(ui.error, body.message || `CSV: ${response.status}`, ui.errorText);
    return;
  }
  const link = document.createElement('a');
  link.href = URL.createObjectURL(await response.blob());
  link.download = `centralino-report-${ui.from.value}-${ui.to.value}.csv`;
  link.click();
  URL.revokeObjectURL(link.href);
}

async function lookUp() {
  const saved = session.get();
  if (!saved) return;
  try {
    const history = await getJson(`/reports/callers/${encodeURIComponent(ui.caller.value.trim())}/history`, saved.token);
    const items = history.contacts.map((contact) => {
      const item = document.createElement('li');
      item.dataset.contactId = contact.id;
      const when = new Date(contact.receivedAt).toLocaleString();
      const who = contact.operator ? ` with ${contact.operator.displayName}` : '';
      item.textContent = `${when} · ${contact.channel} · ${contact.queueName ?? '—'} · ${contact.outcome.replaceAll('_', ' ')}${who}`;
      return item;
    });
    if (items.length === 0) {
      const none = document.createElement('li');
      none.textContent = `No previous contacts from ${history.caller}.`;
      items.push(none);
    }
    ui.history.replaceChildren(...items);
  } catch (error) {
    banner(ui.error, error.message, ui.errorText);
  }
}

// The access token is refreshed in the background; every request reads the current one from the session.
let stopRefreshing = () => {};

function start(name) {
  stopRefreshing();
  stopRefreshing = keepFresh(session);
  ui.loginView.hidden = true;
  ui.reportsView.hidden = false;
  ui.logout.hidden = false;
  ui.who.hidden = false;
  ui.who.textContent = name;
  void show();
}

function showLogin(message = '') {
  stopRefreshing();
  ui.reportsView.hidden = true;
  ui.logout.hidden = true;
  ui.who.hidden = true;
  ui.loginView.hidden = false;
  ui.loginError.textContent = message;
  ui.username.focus();
}

const today = new Date();
ui.from.value = isoDate(today);
ui.to.value = isoDate(today);

ui.loginForm.addEventListener('submit', async (event) => {
  event.preventDefault();
  ui.loginError.textContent = '';
  try {
    const result = await login(ui.username.value.trim(), ui.password.value);
    ui.password.value = '';
    if (!['supervisor', 'admin'].includes(result.operator.role)) {
      ui.loginError.textContent = 'Reports are for supervisors: log in with a supervisor account.';
      return;
    }
    const name = result.operator.displayName || result.operator.username;
    session.save({ ...sessionTokens(result), name });
    start(name);
  } catch (error) {
    ui.loginError.textContent = error.message;
  }
});
ui.rangeForm.addEventListener('submit', (event) => {
  event.preventDefault();
  void show();
});
ui.csv.addEventListener('click', () => void downloadCsv());
ui.historyForm.addEventListener('submit', (event) => {
  event.preventDefault();
  void lookUp();
});
ui.logout.addEventListener('click', () => {
  session.clear();
  showLogin();
});
ui.errorDismiss.addEventListener('click', () => banner(ui.error, '', ui.errorText));

const saved = session.get();
if (saved?.token) start(saved.name);
else showLogin();
