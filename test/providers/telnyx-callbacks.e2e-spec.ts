import { randomBytes, randomUUID } from 'node:crypto';
import { CallbackDesk, writeCallbackFixture } from '../support/callbacks';
import { getContact, waitForState } from '../support/contacts-api';
import { OperatorClient } from '../support/operator-client';
import { TelnyxCall, TelnyxClient, TelnyxCommand } from '../support/telnyx-client';
import { TestService } from '../support/test-service';
import { RecordedRequest, RestStub } from './rest-stub';

const PUBLIC_BASE_URL = 'https://centralino.example.com';
const API_KEY = `KEY${randomBytes(16).toString('hex')}`;
const CONNECTION_ID = `${Date.now()}${randomBytes(2).readUInt16BE(0)}`;
const COMPANY_NUMBER = '+390200000000';

const FIXTURE = writeCallbackFixture();

const state = (contactId: string, step?: string) =>
  Buffer.from(step ? `${contactId}:${step}` : contactId).toString('base64');

describe('Telnyx callbacks that keep their place', () => {
  let desk: CallbackDesk;
  let service: TestService;
  let stub: RestStub;
  let telnyx: TelnyxClient;
  let anna: OperatorClient;
  /** The call_control_id the stub gives each outbound call it places, in order. */
  const outboundIds: string[] = [];

  beforeAll(async () => {
    desk = await CallbackDesk.start(
      (request) => {
        if (request.method === 'POST' && request.path === '/v2/calls') {
          const id = `v3:out-${randomBytes(12).toString('base64url')}`;
          outboundIds.push(id);
          return {
            status: 200,
            body: {
              data: {
                call_control_id: id,
                call_leg_id: randomUUID(),
                call_session_id: randomUUID(),
                is_alive: false,
                record_type: 'call',
              },
            },
          };
        }
        return { status: 200, body: { data: { result: 'ok' } } };
      },
      (rest) => {
        telnyx = new TelnyxClient('', rest.requests);
        return {
          FRONT_OFFICE_CONFIG: FIXTURE,
          PUBLIC_BASE_URL,
          TELNYX_PUBLIC_KEY: telnyx.publicKey,
          TELNYX_API_KEY: API_KEY,
          TELNYX_API_BASE_URL: `${rest.url}/v2`,
          TELNYX_CONNECTION_ID: CONNECTION_ID,
        };
      },
    );
    ({ service, stub, anna } = desk);
    telnyx.serviceUrl = service.url;
  }, 90_000);

  afterAll(async () => {
    await desk?.stop();
  });

  beforeEach(async () => {
    await desk.away();
  });

  const contactByCall = (callControlId: string) => desk.contactByCall('telnyx', callControlId, 10_000);

  /** Waits for the commands sent for a call after the first `from` of them, at least `count` more. */
  async function commandsAfter(call: TelnyxCall, from: number, count: number): Promise<TelnyxCommand[]> {
    return (await telnyx.commandsAtLeast(call, from + count)).slice(from);
  }

  /** The hold loop's round: a one-key gather speaking the position and the offer, client_state `:hold`. */
  function expectKeyLoop(command: TelnyxCommand | undefined, contactId: string) {
    expect(command).toMatchObject({
      action: 'gather_using_speak',
      body: {
        language: 'it-IT',
        minimum_digits: 1,
        maximum_digits: 1,
        timeout_millis: 15_000,
        client_state: state(contactId, 'hold'),
      },
    });
    expect(command!.body.payload).toContain('prema 9');
  }

  /** A new call from `from` answering the menu with 1 (billing): the greeting's commands, then the 4 after it. */
  async function billingCall(from: string) {
    const call = TelnyxClient.call(from);
    await telnyx.send('call.initiated', call);
    const greeting = await telnyx.commandsAtLeast(call, 3);
    await telnyx.send('call.gather.ended', call, { digits: '1', status: 'valid' });
    return { call, greeting, queued: await commandsAfter(call, greeting.length, 4) };
  }

  /** A Telnyx billing call (menu digit 1), parked in its queue with the key loop; returns it and its contact. */
  async function telnyxCall(from: string) {
    const { call, queued } = await billingCall(from);
    expect(queued.map((command) => command.action)).toEqual([
      'transcription_stop',
      'speak',
      'enqueue',
      'gather_using_speak',
    ]);
    expect(queued[1]!.body.payload).toBe('Grazie, attenda in linea.');
    expect(queued[2]!.body.queue_name).toBe('billing');
    const contactId = TelnyxClient.clientState(queued[2]!)[0]!;
    expectKeyLoop(queued[3], contactId);
    return { call, contactId };
  }

  /** A round goes by without a key, then the caller presses 9, hears the goodbye and is hung up on. */
  async function askForCallback(call: TelnyxCall, contactId: string) {
    const hold = state(contactId, 'hold');
    let sent = telnyx.commands(call).length;
    await telnyx.send('call.gather.ended', call, { digits: '', status: 'timeout', client_state: hold });
    const [round] = await commandsAfter(call, sent, 1);
    expectKeyLoop(round, contactId);
    sent = telnyx.commands(call).length;
    await telnyx.send('call.gather.ended', call, { digits: '9', status: 'valid', client_state: hold });
    const [goodbye] = await commandsAfter(call, sent, 1);
    expect(goodbye).toMatchObject({ action: 'speak', body: { client_state: state(contactId, 'hangup') } });
    expect(goodbye!.body.payload).toContain('La richiameremo');
    await telnyx.send('call.speak.ended', call, { client_state: state(contactId, 'hangup') });
    const [hangup] = await commandsAfter(call, sent + 1, 1);
    expect(hangup!.action).toBe('hangup');
    await telnyx.send('call.hangup', call, { hangup_cause: 'normal_clearing', client_state: hold });
    // Nothing more is sent for the call: no new round after the goodbye.
    expect(telnyx.commands(call)).toHaveLength(sent + 2);
  }

  const isDial = (request: RecordedRequest) => request.method === 'POST' && request.path === '/v2/calls';

  /** The n-th `POST /calls` (0-based), decoded, and the outbound call as Telnyx then reports it. */
  async function outboundCall(index: number) {
    const request = await stub.nth(isDial, index);
    const body = JSON.parse(request.body) as Record<string, unknown>;
    const call: TelnyxCall = {
      call_control_id: outboundIds[index]!,
      call_session_id: randomUUID(),
      from: String(body.from),
      to: String(body.to),
      direction: 'outgoing',
    };
    return { body, authorization: request.headers.authorization, call };
  }

  /** The caller of a call anna is being offered hangs up while it rings: nothing is left for the next test. */
  const hangUpWhileOffered = (call: TelnyxCall, contactId: string) =>
    desk.hangUpWhileOffered(contactId, () =>
      telnyx.send('call.hangup', call, { hangup_cause: 'normal_clearing' }),
    );

  it('a caller who presses 9 keeps their place (same job), is offered as a callback, dialled through POST /calls, bridged to the operator on call.answered, and completed', async () => {
    const earlier = await telnyxCall('+393331000001');
    const asker = await telnyxCall('+393331000002');
    const jobBefore = await desk.billingJob(asker.contactId);
    await askForCallback(asker.call, asker.contactId);

    // The hang-up did not abandon it: it waits as a callback, with the same job and enqueue time.
    const waiting = await contactByCall(asker.call.call_control_id);
    await desk.expectWaitingAsCallback(waiting, '+393331000002', jobBefore);
    const later = await telnyxCall('+393331000003');

    await anna.available();
    const first = await desk.acceptNext(earlier.contactId);
    expect(first.callback).toBeNull();
    // The key loop's gather is stopped before the call is put through.
    await stub.next(
      (request) =>
        request.path === `/v2/calls/${encodeURIComponent(earlier.call.call_control_id)}/actions/transfer`,
    );
    expect(
      telnyx
        .commands(earlier.call)
        .slice(-2)
        .map((command) => command.action),
    ).toEqual(['gather_stop', 'transfer']);
    await telnyx.send('call.hangup', earlier.call, { hangup_cause: 'normal_clearing' });
    await waitForState(service.url, earlier.contactId, 'completed');
    await anna.next('operator.state', (s) => s.state === 'available', 10_000);

    // Its turn comes before the later caller's: the callback kept its place.
    const offer = await desk.acceptNext(asker.contactId);
    expect(offer.callback).toEqual({ number: expect.stringMatching(/^\+39\*+002$/), attempt: 1 });
    const outbound = await outboundCall(0);
    expect(outbound.authorization).toBe(`Bearer ${API_KEY}`);
    expect(outbound.body).toEqual({
      connection_id: CONNECTION_ID,
      to: '+393331000002',
      from: COMPANY_NUMBER,
      timeout_secs: 10,
      client_state: state(asker.contactId, 'outbound-1'),
      command_id: `callback-${asker.contactId}-1`,
    });
    // From now on the contact is known by the outbound call.
    const calling = await contactByCall(outbound.call.call_control_id);
    expect(calling).toMatchObject({ id: asker.contactId, state: 'calling_back' });
    await anna.next(
      'contact.connected',
      (c) => c.contactId === asker.contactId && c.state === 'calling_back',
    );

    const outboundState = { client_state: state(asker.contactId, 'outbound-1') };
    await telnyx.send('call.initiated', outbound.call, outboundState);
    expect((await getContact(service.url, asker.contactId)).state).toBe('calling_back');
    expect(telnyx.commands(outbound.call)).toEqual([]);
    await telnyx.send('call.answered', outbound.call, outboundState);
    const connected = await waitForState(service.url, asker.contactId, 'connected');
    expect(connected.connectedAt).not.toBeNull();
    await anna.next('contact.connected', (c) => c.contactId === asker.contactId && c.state === 'connected');
    const [bridge] = await telnyx.commandsAtLeast(outbound.call, 1);
    expect(bridge).toEqual({
      action: 'transfer',
      body: {
        to: 'sip:anna@sip.telnyx.com',
        timeout_secs: 30,
        client_state: state(asker.contactId, 'outbound-1'),
        command_id: `callback-${asker.contactId}-1:0:transfer`,
      },
    });
    await telnyx.send('call.bridged', outbound.call, outboundState);
    await telnyx.send('call.hangup', outbound.call, { ...outboundState, hangup_cause: 'normal_clearing' });
    const completed = await waitForState(service.url, asker.contactId, 'completed');
    // A repeated hang-up (a new event) changes nothing.
    await telnyx.send('call.hangup', outbound.call, { ...outboundState, hangup_cause: 'normal_clearing' });
    expect((await getContact(service.url, asker.contactId)).events).toHaveLength(completed.events.length);
    expect(telnyx.commands(outbound.call)).toHaveLength(1);

    await hangUpWhileOffered(later.call, later.contactId);
  }, 90_000);

  it('not reached (timeout): callback_pending, retried at its place after the delay, then callback_failed after the last attempt (busy)', async () => {
    const asker = await telnyxCall('+393332000001');
    await askForCallback(asker.call, asker.contactId);
    const before = stub.requests.filter(isDial).length;

    await anna.available();
    await desk.acceptNext(asker.contactId);
    const first = await outboundCall(before);
    await contactByCall(first.call.call_control_id);
    const firstState = { client_state: state(asker.contactId, 'outbound-1') };
    await telnyx.send('call.initiated', first.call, firstState);
    await telnyx.send('call.hangup', first.call, { ...firstState, hangup_cause: 'timeout' });
    await desk.notReached(asker.contactId, 'no-answer');
    // Back at its place after the delay: ahead of a younger caller.
    const younger = await desk.retriedAtItsPlace(asker.contactId, () => telnyxCall('+393332000002'));
    const second = await outboundCall(before + 1);
    expect(second.body).toMatchObject({
      to: '+393332000001',
      client_state: state(asker.contactId, 'outbound-2'),
      command_id: `callback-${asker.contactId}-2`,
    });
    await contactByCall(second.call.call_control_id);
    // A late answer of the first attempt changes nothing and connects nobody.
    await telnyx.send('call.answered', first.call, firstState);
    expect((await getContact(service.url, asker.contactId)).state).toBe('calling_back');
    expect(telnyx.commands(first.call)).toEqual([]);
    await telnyx.send('call.hangup', second.call, {
      client_state: state(asker.contactId, 'outbound-2'),
      hangup_cause: 'user_busy',
    });
    await desk.expectFailed(asker.contactId, 'busy');
    // Two attempts, then no more calls placed.
    expect(stub.requests.filter(isDial)).toHaveLength(before + 2);

    await hangUpWhileOffered(younger.call, younger.contactId);
  }, 90_000);

  it('a withheld number is offered no callback: it stays parked without the key loop, and the key is refused with the reason', async () => {
    const { call, greeting, queued } = await billingCall('anonymous');
    expect(queued.map((command) => command.action)).toEqual([
      'transcription_stop',
      'speak',
      'speak',
      'enqueue',
    ]);
    const contactId = TelnyxClient.clientState(queued[3]!)[0]!;
    // Some time later nothing more was sent: no gather offering the key.
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(telnyx.commands(call)).toHaveLength(greeting.length + 4);
    // The key reported anyway (a round of another loop): told why; the call stays parked, no new enqueue.
    await telnyx.send('call.gather.ended', call, {
      digits: '9',
      status: 'valid',
      client_state: state(contactId, 'hold'),
    });
    const [refused] = await commandsAfter(call, greeting.length + 4, 1);
    expect(refused).toMatchObject({ action: 'speak' });
    expect(refused!.body.payload).toContain('non possiamo richiamarla');
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(telnyx.commands(call)).toHaveLength(greeting.length + 5);
    expect(await contactByCall(call.call_control_id)).toMatchObject({ state: 'queued', callback: null });
    await telnyx.send('call.hangup', call, { hangup_cause: 'normal_clearing' });
    await waitForState(service.url, contactId, 'abandoned');
  }, 30_000);
});
