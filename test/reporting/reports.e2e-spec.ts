import { randomUUID } from 'node:crypto';
import { resolve } from 'node:path';
import { ContactRepository, OperatorEventRepository, OperatorRepository } from '@centralino/persistence';
import { callEnded, callStarted } from '../support/calls';
import { waitForState } from '../support/contacts-api';
import { OperatorClient } from '../support/operator-client';
import { SupervisorClient } from '../support/supervisor-client';
import { startTestService, TestService } from '../support/test-service';
import { postGenericWebhook } from '../support/webhook-client';

const CONSOLES_FRONT_OFFICE = resolve(__dirname, '../fixtures/front-office.consoles.yaml');

/** The scripted day: Monday 2 November 2026 in Europe/Rome (UTC+1), the fixture's time zone. */
const DAY = '2026-11-02';
const at = (time: string, day = DAY) => new Date(`${day}T${time}+01:00`);

interface ReportBody {
  timeZone: string;
  shortAbandonSeconds: number;
  rows: Record<string, unknown>[];
  total: Record<string, unknown>;
}

describe('reports from the event log (REST, CSV, roles)', () => {
  let service: TestService;
  const tokens: Record<string, string> = {};
  const ids: Record<string, string> = {};

  async function get(path: string, username = 'sara') {
    return fetch(`${service.url}${path}`, { headers: { authorization: `Bearer ${tokens[username]}` } });
  }

  async function report(query: string): Promise<ReportBody> {
    const response = await get(`/reports/intervals?${query}`);
    expect(response.status).toBe(200);
    return (await response.json()) as ReportBody;
  }

  /**
   * One contact written through the repositories as the routing writes it, at fixed times: `steps` are
   * [event, time, data]; received → triaged → queued come first (the intake's one transaction).
   */
  async function scripted(
    queue: string | null,
    channel: 'voice' | 'chat',
    steps: [string, string, Record<string, unknown>?][],
    day = DAY,
  ): Promise<string> {
    const contacts = service.running.app.get(ContactRepository);
    const id = randomUUID();
    let intakeSteps = 0;
    while (
      intakeSteps < steps.length &&
      ['received', 'triaged', 'queued'].includes(steps[intakeSteps]![0]) &&
      steps[intakeSteps - 1]?.[0] !== 'queued'
    )
      intakeSteps++;
    const intake = steps.slice(0, intakeSteps);
    const created = await contacts.createFromWebhook(
      {
        id,
        channel,
        provider: 'generic',
        externalId: `scripted_${id}`,
        fromAddress: '+390611122233',
        toAddress: '+390200000000',
        state: intake.at(-1)![0] as 'queued',
        problemType: queue,
        language: 'it',
        triage: null,
        operatorId: null,
        receivedAt: at(intake[0]![1], day),
        queuedAt: queue ? at(intake.at(-1)![1], day) : null,
      },
      intake.map(([type, time, data]) => ({ type: type as 'queued', at: at(time, day), data })),
      { provider: 'generic', eventKey: `scripted_${id}`, response: {} },
    );
    expect(created.created).toBe(true);
    let state = intake.at(-1)![0];
    for (const [type, time, data = {}] of steps.slice(intake.length)) {
      if (type === 'note') {
        const noted = await contacts.advanceFromWebhook(
          id,
          [state as 'connected'],
          [{ type: 'note', at: at(time, day), data }],
          {},
          { provider: 'generic', eventKey: `note_${randomUUID()}`, response: {} },
        );
        expect(noted).not.toBeNull();
        continue;
      }
      const moved = await contacts.transition(
        id,
        [state as 'queued'],
        type as 'queued',
        {},
        data,
        at(time, day),
      );
      expect(moved).not.toBeNull();
      state = type;
    }
    return id;
  }

  beforeAll(async () => {
    service = await startTestService('postgres', { FRONT_OFFICE_CONFIG: CONSOLES_FRONT_OFFICE });
    for (const username of ['anna', 'bruno', 'sara', 'root']) {
      tokens[username] = (await OperatorClient.login(service.url, username)).token;
      ids[username] = (await service.running.app.get(OperatorRepository).findByUsername(username))!.id;
    }
    const { anna, bruno } = ids;
    // Billing, 09:00-10:00: answered in 12 s and 35 s (after anna declined), a short and a long abandon.
    await scripted('billing', 'voice', [
      ['received', '08:59:50'],
      ['triaged', '08:59:55'],
      ['queued', '09:00:00'],
      ['offered', '09:00:10', { operatorId: anna }],
      ['connected', '09:00:12', { operatorId: anna }],
      ['completed', '09:03:12'],
    ]);
    await scripted('billing', 'voice', [
      ['received', '09:09:55'],
      ['triaged', '09:09:58'],
      ['queued', '09:10:00'],
      ['offered', '09:10:20', { operatorId: anna }],
      ['queued', '09:10:25', { operatorId: anna, reason: 'rejected' }],
      ['offered', '09:10:30', { operatorId: bruno }],
      ['connected', '09:10:35', { operatorId: bruno }],
      ['note', '09:11:00', { kind: 'transfer', to: 'technical_support' }],
      ['completed', '09:12:35'],
    ]);
    await scripted('billing', 'voice', [
      ['received', '09:19:58'],
      ['triaged', '09:19:59'],
      ['queued', '09:20:00'],
      ['abandoned', '09:20:03'],
    ]);
    await scripted('billing', 'chat', [
      ['received', '09:39:50'],
      ['triaged', '09:39:55'],
      ['queued', '09:40:00'],
      ['abandoned', '09:41:00'],
    ]);
    // Support, 10:00-11:00: answered in 4 s, and a message taken after 2 minutes.
    await scripted('technical_support', 'voice', [
      ['received', '10:04:50'],
      ['triaged', '10:04:55'],
      ['queued', '10:05:00'],
      ['offered', '10:05:02', { operatorId: bruno }],
      ['connected', '10:05:04', { operatorId: bruno }],
      ['completed', '10:10:04'],
    ]);
    await scripted('technical_support', 'voice', [
      ['received', '10:29:50'],
      ['triaged', '10:29:55'],
      ['queued', '10:30:00'],
      ['message_taken', '10:32:00'],
    ]);
    // Not in the day: queued the evening before; never queued (hung up during triage).
    await scripted(
      'billing',
      'voice',
      [
        ['received', '23:49:50'],
        ['triaged', '23:49:55'],
        ['queued', '23:50:00'],
        ['abandoned', '23:52:00'],
      ],
      '2026-11-01',
    );
    await scripted(null, 'voice', [
      ['received', '11:00:00'],
      ['abandoned', '11:00:05'],
    ]);
    // Anna's states that day, appended in two batches as the drainer does.
    const operatorEvents = service.running.app.get(OperatorEventRepository);
    const states: [string, string][] = [
      ['available', '08:30:00'],
      ['reserved', '09:00:10'],
      ['busy', '09:00:12'],
      ['wrap_up', '09:03:12'],
      ['available', '09:03:22'],
      ['reserved', '09:10:20'],
      ['available', '09:10:25'],
      ['away', '09:45:00'],
      ['offline', '10:15:00'],
    ];
    const rows = states.map(([state, time]) => ({
      id: `${at(time).getTime()}-0`,
      operatorId: anna,
      state,
      at: at(time),
      reason: null,
      contactId: null,
    }));
    expect(await operatorEvents.append(rows.slice(0, 4))).toBe(4);
    expect(await operatorEvents.append(rows.slice(2))).toBe(5);
  }, 60_000);

  afterAll(async () => {
    await service?.stop();
  });

  it('counts a scripted day per hour and queue exactly as computed by hand', async () => {
    const body = await report(`from=${DAY}&to=2026-11-03&interval=1h&groupBy=queue`);
    expect(body).toMatchObject({ timeZone: 'Europe/Rome', shortAbandonSeconds: 5 });
    expect(body.rows).toEqual([
      {
        intervalStart: '2026-11-02T08:00:00.000Z',
        intervalEnd: '2026-11-02T09:00:00.000Z',
        key: 'billing',
        label: 'Billing',
        offered: 4,
        answered: 2,
        answeredWithinTarget: 1,
        abandoned: 2,
        shortAbandons: 1,
        messagesTaken: 0,
        closed: 0,
        transfers: 1,
        answerWaitSeconds: 47,
        longestWaitSeconds: 60,
        handled: 2,
        handleSeconds: 300,
        serviceLevelPercent: 50,
        averageSpeedOfAnswerSeconds: 23.5,
        // (2 abandoned - 1 short) / (2 answered + 1)
        abandonmentRatePercent: 33.3,
        averageHandleTimeSeconds: 150,
      },
      {
        intervalStart: '2026-11-02T09:00:00.000Z',
        intervalEnd: '2026-11-02T10:00:00.000Z',
        key: 'technical_support',
        label: 'Support',
        offered: 2,
        answered: 1,
        answeredWithinTarget: 1,
        abandoned: 0,
        shortAbandons: 0,
        messagesTaken: 1,
        closed: 0,
        transfers: 0,
        answerWaitSeconds: 4,
        longestWaitSeconds: 120,
        handled: 1,
        handleSeconds: 300,
        serviceLevelPercent: 100,
        averageSpeedOfAnswerSeconds: 4,
        abandonmentRatePercent: 0,
        averageHandleTimeSeconds: 300,
      },
    ]);
    expect(body.total).toMatchObject({
      offered: 6,
      answered: 3,
      answeredWithinTarget: 2,
      abandoned: 2,
      shortAbandons: 1,
      messagesTaken: 1,
      transfers: 1,
      longestWaitSeconds: 120,
      serviceLevelPercent: 66.7,
      averageSpeedOfAnswerSeconds: 17,
      abandonmentRatePercent: 25,
      averageHandleTimeSeconds: 200,
    });
  });

  it('groups the same day by channel and by day, and the evening before stays in its own day', async () => {
    const byChannel = await report(`from=${DAY}&to=2026-11-03&interval=1d&groupBy=channel`);
    expect(byChannel.rows.map((row) => [row.intervalStart, row.key, row.offered, row.abandoned])).toEqual([
      ['2026-11-01T23:00:00.000Z', 'chat', 1, 1],
      ['2026-11-01T23:00:00.000Z', 'voice', 5, 1],
    ]);
    const twoDays = await report(`from=2026-11-01&to=2026-11-03&interval=1d&groupBy=none`);
    expect(twoDays.rows.map((row) => [row.intervalStart, row.offered, row.abandoned])).toEqual([
      ['2026-10-31T23:00:00.000Z', 1, 1],
      ['2026-11-01T23:00:00.000Z', 6, 2],
    ]);
    const quarter = await report(
      `from=2026-11-02T09:00:00%2B01:00&to=2026-11-02T09:30:00%2B01:00&interval=15m&groupBy=none`,
    );
    expect(quarter.rows.map((row) => [row.intervalStart, row.offered, row.answered])).toEqual([
      ['2026-11-02T08:00:00.000Z', 2, 2],
      ['2026-11-02T08:15:00.000Z', 1, 0],
    ]);
  });

  it('reports per operator the contacts handled, time per state and occupancy', async () => {
    const body = await report(`from=${DAY}&to=2026-11-03&interval=1h&groupBy=operator`);
    const anna = (start: string) =>
      body.rows.find((row) => row.key === ids.anna && row.intervalStart === start);
    expect(anna('2026-11-02T07:00:00.000Z')).toMatchObject({
      label: 'Anna',
      offered: 0,
      stateSeconds: { available: 1800, reserved: 0, busy: 0, wrap_up: 0, away: 0 },
      occupancyPercent: 0,
    });
    // 09:00-10:00: available 10 + 418 + 2075 s, ringing 2 + 5 s, busy 180 s, wrap-up 10 s, away 900 s.
    expect(anna('2026-11-02T08:00:00.000Z')).toMatchObject({
      offered: 1,
      answered: 1,
      handled: 1,
      averageHandleTimeSeconds: 180,
      stateSeconds: { available: 2503, reserved: 7, busy: 180, wrap_up: 10, away: 900 },
      occupancyPercent: 7.3,
    });
    expect(anna('2026-11-02T09:00:00.000Z')).toMatchObject({
      stateSeconds: { available: 0, reserved: 0, busy: 0, wrap_up: 0, away: 900 },
      occupancyPercent: null,
    });
    const bruno = body.rows.filter((row) => row.key === ids.bruno);
    expect(bruno.map((row) => [row.intervalStart, row.answered, row.handleSeconds])).toEqual([
      ['2026-11-02T08:00:00.000Z', 1, 120],
      ['2026-11-02T09:00:00.000Z', 1, 300],
    ]);
    const unanswered = body.rows.filter((row) => row.key === null);
    expect(unanswered.map((row) => [row.intervalStart, row.label, row.offered, row.answered])).toEqual([
      ['2026-11-02T08:00:00.000Z', '(not answered)', 2, 0],
      ['2026-11-02T09:00:00.000Z', '(not answered)', 1, 0],
    ]);
    expect(body.total).toMatchObject({
      stateSeconds: { available: 4303, reserved: 7, busy: 180, wrap_up: 10, away: 1800 },
    });
  });

  it('rebuilding the rollups from the logs gives the same figures', async () => {
    const before = await report(`from=${DAY}&to=2026-11-03&interval=15m&groupBy=operator`);
    await service.running.app.get(OperatorEventRepository).rebuildStateTime();
    const { ReportRepository } = await import('@centralino/reporting');
    await service.running.app.get(ReportRepository).rebuildFacts();
    expect(await report(`from=${DAY}&to=2026-11-03&interval=15m&groupBy=operator`)).toEqual(before);
  });

  it('exports CSV with the documented columns', async () => {
    const response = await get(`/reports/intervals.csv?from=${DAY}&to=2026-11-03&interval=1h&groupBy=queue`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/csv/);
    expect(response.headers.get('content-disposition')).toMatch(/attachment; filename=".+\.csv"/);
    const lines = (await response.text()).split('\r\n');
    expect(lines[0]).toBe(
      'interval_start,interval_end,group_by,key,label,offered,answered,answered_within_target,abandoned,' +
        'short_abandons,messages_taken,transfers,service_level_percent,average_speed_of_answer_seconds,' +
        'abandonment_rate_percent,average_handle_time_seconds,longest_wait_seconds,handled,available_seconds,' +
        'reserved_seconds,busy_seconds,wrap_up_seconds,away_seconds,occupancy_percent,closed',
    );
    expect(lines[1]).toBe(
      '2026-11-02T08:00:00.000Z,2026-11-02T09:00:00.000Z,queue,billing,Billing,4,2,1,2,1,0,1,50,23.5,33.3,150,60,2,,,,,,,0',
    );
    expect(lines.slice(1).filter(Boolean)).toHaveLength(2);
  });

  it('is for supervisors and admins: operators get 403, strangers 401, bad queries 400 with the reason', async () => {
    const day = `from=${DAY}&to=2026-11-03`;
    for (const path of [
      `/reports/intervals?${day}`,
      `/reports/intervals.csv?${day}`,
      '/reports/callers/+390611122233/history',
    ]) {
      expect((await get(path, 'anna')).status).toBe(403);
      expect((await fetch(`${service.url}${path}`)).status).toBe(401);
      expect((await get(path, 'root')).status).toBe(200);
    }
    const refused = await get(`/reports/intervals?${day}`, 'anna');
    await expect(refused.json()).resolves.toMatchObject({ error: 'forbidden' });
    const bad = async (query: string) => {
      const response = await get(`/reports/intervals?${query}`);
      expect(response.status).toBe(400);
      return ((await response.json()) as { message: string }).message;
    };
    await expect(bad('from=yesterday&to=2026-11-03')).resolves.toMatch(/^from: a date/);
    await expect(bad(`from=2026-11-03&to=${DAY}`)).resolves.toMatch(/to must be after from/);
    await expect(bad(`${day}&interval=5m`)).resolves.toMatch(/^interval/);
    await expect(bad(`${day}&groupBy=team`)).resolves.toMatch(/^groupBy/);
    await expect(bad('from=2026-01-01&to=2026-03-01&interval=15m')).resolves.toMatch(/at most 32 days/);
    await expect(bad('from=2026-11-02T09:07:00Z&to=2026-11-03')).resolves.toMatch(/15-minute boundary/);
    expect((await get('/reports/callers/%3Cscript%3E/history')).status).toBe(400);
  });

  it("lists a caller's previous contacts with their outcomes, the number masked", async () => {
    const response = await get('/reports/callers/+390611122233/history');
    expect(response.status).toBe(200);
    const body = (await response.json()) as {
      caller: string;
      contacts: {
        outcome: string;
        queue: string | null;
        operator: { displayName: string } | null;
        waitSeconds: number | null;
        talkSeconds: number | null;
      }[];
      messages: unknown;
    };
    expect(body.caller).toBe('+39***233');
    expect(body.messages).toBeNull();
    expect(body.contacts).toHaveLength(8);
    expect(body.contacts.map((contact) => contact.outcome).sort()).toEqual(
      [
        'abandoned',
        'abandoned',
        'abandoned',
        'abandoned',
        'completed',
        'completed',
        'completed',
        'message_taken',
      ].sort(),
    );
    expect(JSON.stringify(body)).not.toContain('0611122233');
    const unknown = await get('/reports/callers/+390699999999/history');
    await expect(unknown.json()).resolves.toMatchObject({ contacts: [] });
  });
});

describe('reports count real contacts driven through the service', () => {
  let service: TestService;
  let anna: OperatorClient;
  let dashboard: SupervisorClient;

  beforeAll(async () => {
    service = await startTestService('pglite', { FRONT_OFFICE_CONFIG: CONSOLES_FRONT_OFFICE });
  }, 60_000);

  afterAll(async () => {
    dashboard?.close();
    anna?.close();
    await service?.stop();
  });

  it('answers and abandons calls over webhooks and the console, and the report, the dashboard and the caller history agree', async () => {
    anna = await OperatorClient.connect(service.url, 'anna');
    await anna.available();
    const caller = '+393339876543';
    const first = callStarted({ digits: '1', from: caller });
    const started = await postGenericWebhook(service.url, first);
    const firstId = started.body.contactId as string;
    const offer = await anna.next('offer', (payload) => payload.contactId === firstId);
    expect((await anna.send('offer.accept', { offerId: offer.offerId })).ok).toBe(true);
    // Anna is busy: the second caller waits, then hangs up after more than the 5 s of a short abandon.
    const second = callStarted({ digits: '1', from: caller });
    const secondId = (await postGenericWebhook(service.url, second)).body.contactId as string;
    await waitForState(service.url, secondId, 'queued');
    await new Promise((done) => setTimeout(done, 5_500));
    await postGenericWebhook(service.url, callEnded(second.callId));
    await waitForState(service.url, secondId, 'abandoned');
    await postGenericWebhook(service.url, callEnded(first.callId));
    await waitForState(service.url, firstId, 'completed');

    const { token } = await OperatorClient.login(service.url, 'sara');
    const today = new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Rome' }).format(new Date());
    const tomorrow = new Date(Date.parse(`${today}T12:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
    const fetchReport = async (groupBy: string) => {
      const response = await fetch(
        `${service.url}/reports/intervals?from=${today}&to=${tomorrow}&interval=1d&groupBy=${groupBy}`,
        { headers: { authorization: `Bearer ${token}` } },
      );
      expect(response.status).toBe(200);
      return (await response.json()) as ReportBody;
    };
    const byQueue = await fetchReport('queue');
    expect(byQueue.rows).toHaveLength(1);
    expect(byQueue.rows[0]).toMatchObject({
      key: 'billing',
      offered: 2,
      answered: 1,
      abandoned: 1,
      shortAbandons: 0,
      handled: 1,
      abandonmentRatePercent: 50,
    });
    expect(byQueue.rows[0]!.longestWaitSeconds).toBeGreaterThanOrEqual(5.5);

    // The dashboard's "today" counts with the same definitions.
    dashboard = await SupervisorClient.connect(service.url, 'sara');
    const snapshot = await dashboard.until(
      (s) => s.queues.find((q) => q.id === 'billing')!.today.abandoned === 1,
    );
    const todayBilling = snapshot.queues.find((queue) => queue.id === 'billing')!.today;
    expect(todayBilling).toMatchObject({
      answered: 1,
      abandoned: 1,
      shortAbandons: 0,
      answeredWithinTarget: byQueue.rows[0]!.answeredWithinTarget,
      serviceLevelPercent: byQueue.rows[0]!.serviceLevelPercent,
      averageSpeedOfAnswerSeconds: byQueue.rows[0]!.averageSpeedOfAnswerSeconds,
      abandonmentRatePercent: 50,
    });

    // Anna's state changes reach the operator log through the drainer: busy then wrap-up time is counted.
    const deadline = Date.now() + 10_000;
    let annaRow: Record<string, unknown> | undefined;
    for (;;) {
      const byOperator = await fetchReport('operator');
      annaRow = byOperator.rows.find((row) => row.label === 'Anna');
      const seconds = annaRow?.stateSeconds as Record<string, number> | undefined;
      if (seconds && seconds.busy > 0 && seconds.wrap_up > 0) break;
      if (Date.now() > deadline) throw new Error(`no operator time: ${JSON.stringify(annaRow)}`);
      await new Promise((done) => setTimeout(done, 250));
    }
    expect(annaRow).toMatchObject({ answered: 1, handled: 1 });
    expect(annaRow!.occupancyPercent).toEqual(expect.any(Number));

    const history = await fetch(`${service.url}/reports/callers/${caller}/history`, {
      headers: { authorization: `Bearer ${token}` },
    });
    const body = (await history.json()) as {
      caller: string;
      contacts: { id: string; outcome: string; operator: { displayName: string } | null }[];
    };
    expect(body.caller).toBe('+39***543');
    expect(
      body.contacts.map((contact) => [contact.id, contact.outcome, contact.operator?.displayName ?? null]),
    ).toEqual([
      [secondId, 'abandoned', null],
      [firstId, 'completed', 'Anna'],
    ]);
  }, 60_000);
});
