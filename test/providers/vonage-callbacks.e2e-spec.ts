import { generateKeyPairSync, randomBytes, randomUUID } from 'node:crypto';
import { CallbackDesk, writeCallbackFixture } from '../support/callbacks';
import { getContact, waitForState } from '../support/contacts-api';
import { OperatorClient } from '../support/operator-client';
import { TestService } from '../support/test-service';
import { VonageClient } from '../support/vonage-client';
import { RecordedRequest, RestStub } from './rest-stub';

const PUBLIC_BASE_URL = 'https://centralino.example.com';
const SIGNATURE_SECRET = randomBytes(24).toString('hex');
const APPLICATION_ID = randomUUID();
const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
const PRIVATE_KEY_PEM = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
const COMPANY_NUMBER = '390200000000';
const VOICE = `${PUBLIC_BASE_URL}/webhooks/vonage/voice`;

const FIXTURE = writeCallbackFixture();

type VonageCall = { uuid: string; conversation_uuid: string; from: string; to: string };

describe('Vonage callbacks that keep their place', () => {
  let desk: CallbackDesk;
  let service: TestService;
  let stub: RestStub;
  let vonage: VonageClient;
  let anna: OperatorClient;
  /** The uuid the stub gives each outbound call it creates, in order. */
  const outboundUuids: string[] = [];

  beforeAll(async () => {
    desk = await CallbackDesk.start(
      (request) => {
        if (request.method === 'POST' && request.path === '/v1/calls') {
          const uuid = randomUUID();
          outboundUuids.push(uuid);
          return {
            status: 201,
            body: { uuid, status: 'started', direction: 'outbound', conversation_uuid: `CON-${uuid}` },
          };
        }
        return { status: 204, body: {} };
      },
      (rest) => ({
        FRONT_OFFICE_CONFIG: FIXTURE,
        PUBLIC_BASE_URL,
        VONAGE_SIGNATURE_SECRET: SIGNATURE_SECRET,
        VONAGE_APPLICATION_ID: APPLICATION_ID,
        VONAGE_PRIVATE_KEY: PRIVATE_KEY_PEM.replace(/\n/g, '\\n'),
        VONAGE_API_BASE_URL: rest.url,
      }),
    );
    ({ service, stub, anna } = desk);
    vonage = new VonageClient(service.url, SIGNATURE_SECRET, APPLICATION_ID);
  }, 90_000);

  afterAll(async () => {
    await desk?.stop();
  });

  beforeEach(async () => {
    await desk.away();
  });

  function newCall(from: string): VonageCall {
    return { uuid: randomUUID(), conversation_uuid: `CON-${randomUUID()}`, from, to: COMPANY_NUMBER };
  }

  function input(call: VonageCall, digits: string) {
    return {
      ...call,
      dtmf: { digits, timed_out: !digits },
      speech: { timeout_reason: 'start_timeout' },
      timestamp: new Date().toISOString(),
    };
  }

  function event(call: VonageCall, status: string) {
    return { ...call, status, direction: 'inbound', timestamp: new Date().toISOString() };
  }

  const contactOf = (uuid: string) => desk.contactByCall('vonage', uuid);

  /** The hold loop's round: the position and the offer (barge-in), then a one-key input reporting to /callback. */
  function expectKeyLoop(ncco: Record<string, unknown>[]) {
    expect(ncco.slice(-2)).toEqual([
      expect.objectContaining({
        action: 'talk',
        language: 'it-IT',
        bargeIn: true,
        text: expect.stringContaining('prema 9'),
      }),
      {
        action: 'input',
        type: ['dtmf'],
        dtmf: { maxDigits: 1, timeOut: 10 },
        eventUrl: [`${VOICE}/callback`],
        eventMethod: 'POST',
      },
    ]);
  }

  /** A Vonage billing call (menu digit 1), holding in the key loop; returns it and its contact id. */
  async function vonageCall(from: string) {
    const call = newCall(from);
    expect((await vonage.answer(call)).status).toBe(200);
    const queued = await vonage.post('input', input(call, '1'));
    expect(queued.status).toBe(200);
    expect(queued.body[0]).toMatchObject({ action: 'talk', text: 'Grazie, attenda in linea.' });
    expectKeyLoop(queued.body);
    // The key loop is the holding room: no conversation it could never leave by a key.
    expect(JSON.stringify(queued.body)).not.toContain('conversation');
    return { call, contactId: (await contactOf(call.uuid)).id };
  }

  /** The caller lets a round go by, then presses 9 and hangs up after the goodbye. */
  async function askForCallback(call: VonageCall) {
    const round = await vonage.post('callback', input(call, ''));
    expect(round.status).toBe(200);
    expectKeyLoop(round.body);
    const pressed = await vonage.post('callback', input(call, '9'));
    expect(pressed.status).toBe(200);
    // The goodbye, then the NCCO ends and Vonage hangs up.
    expect(pressed.body).toEqual([
      expect.objectContaining({ action: 'talk', text: expect.stringContaining('La richiameremo') }),
    ]);
    expect((await vonage.post('event', event(call, 'completed'))).status).toBe(200);
  }

  const isCreate = (request: RecordedRequest) => request.method === 'POST' && request.path === '/v1/calls';

  /** The n-th `POST /v1/calls` (0-based), decoded, with the uuid the stub gave the call. */
  async function outboundCall(index: number) {
    const request = await stub.nth(isCreate, index);
    const token = /^Bearer (.+)$/.exec(request.headers.authorization ?? '')?.[1];
    const claims = JSON.parse(Buffer.from(token!.split('.')[1]!, 'base64url').toString()) as {
      application_id?: string;
    };
    return {
      body: JSON.parse(request.body) as Record<string, unknown> & { event_url: string[] },
      applicationId: claims.application_id,
      uuid: outboundUuids[index]!,
    };
  }

  /** An event of an outbound call, posted to the event_url centralino gave it. */
  async function outboundEvent(eventUrl: string, uuid: string, status: string) {
    const reply = await vonage.post(eventUrl.slice(`${VOICE}/`.length), {
      uuid,
      conversation_uuid: `CON-${uuid}`,
      status,
      direction: 'outbound',
      from: COMPANY_NUMBER,
      to: '393330000000',
      timestamp: new Date().toISOString(),
    });
    expect(reply).toEqual({ status: 200, body: {} });
  }

  /** The caller of a call anna is being offered hangs up while it rings: nothing is left for the next test. */
  const hangUpWhileOffered = (call: VonageCall, contactId: string) =>
    desk.hangUpWhileOffered(contactId, () => vonage.post('event', event(call, 'completed')));

  it('a caller who presses 9 keeps their place (same job), is offered as a callback, called back through POST /v1/calls, connected and completed', async () => {
    const earlier = await vonageCall('393331000001');
    const asker = await vonageCall('393331000002');
    const jobBefore = await desk.billingJob(asker.contactId);
    await askForCallback(asker.call);

    // The hang-up did not abandon it: it waits as a callback, with the same job and enqueue time.
    await desk.expectWaitingAsCallback(await contactOf(asker.call.uuid), '+393331000002', jobBefore);
    // A retried report of the key gets the goodbye again.
    expect((await vonage.post('callback', input(asker.call, '9'))).body).toEqual([
      expect.objectContaining({ action: 'talk', text: expect.stringContaining('La richiameremo') }),
    ]);
    const later = await vonageCall('393331000003');

    await anna.available();
    const first = await desk.acceptNext(earlier.contactId);
    expect(first.callback).toBeNull();
    await stub.next(
      (request) => request.method === 'PUT' && request.path === `/v1/calls/${earlier.call.uuid}`,
    );
    await vonage.post('event', event(earlier.call, 'completed'));
    await waitForState(service.url, earlier.contactId, 'completed');
    await anna.next('operator.state', (state) => state.state === 'available', 10_000);

    // Its turn comes before the later caller's: the callback kept its place.
    const offer = await desk.acceptNext(asker.contactId);
    expect(offer.callback).toEqual({ number: expect.stringMatching(/^\+39\*+002$/), attempt: 1 });
    const outbound = await outboundCall(0);
    expect(outbound.applicationId).toBe(APPLICATION_ID);
    expect(outbound.body).toEqual({
      to: [{ type: 'phone', number: '393331000002' }],
      from: { type: 'phone', number: COMPANY_NUMBER },
      ncco: [
        {
          action: 'connect',
          endpoint: [{ type: 'app', user: 'anna' }],
          timeout: 30,
          eventUrl: [`${VOICE}/operator-event`],
          eventMethod: 'POST',
        },
      ],
      ringing_timer: 10,
      event_url: [`${VOICE}/callback-event?contactId=${asker.contactId}&attempt=1`],
      event_method: 'POST',
    });
    const calling = await contactOf(outbound.uuid);
    expect(calling).toMatchObject({ id: asker.contactId, state: 'calling_back' });
    await anna.next(
      'contact.connected',
      (c) => c.contactId === asker.contactId && c.state === 'calling_back',
    );

    // Ringing changes nothing; the answer connects, the end completes; a repeated end changes nothing.
    const [eventUrl] = outbound.body.event_url;
    await outboundEvent(eventUrl!, outbound.uuid, 'started');
    await outboundEvent(eventUrl!, outbound.uuid, 'ringing');
    expect((await getContact(service.url, asker.contactId)).state).toBe('calling_back');
    await outboundEvent(eventUrl!, outbound.uuid, 'answered');
    const connected = await waitForState(service.url, asker.contactId, 'connected');
    expect(connected.connectedAt).not.toBeNull();
    await anna.next('contact.connected', (c) => c.contactId === asker.contactId && c.state === 'connected');
    await outboundEvent(eventUrl!, outbound.uuid, 'completed');
    const completed = await waitForState(service.url, asker.contactId, 'completed');
    await outboundEvent(eventUrl!, outbound.uuid, 'completed');
    expect((await getContact(service.url, asker.contactId)).events).toHaveLength(completed.events.length);

    await hangUpWhileOffered(later.call, later.contactId);
  }, 90_000);

  it('not reached (timeout): callback_pending, retried at its place after the delay, then callback_failed after the last attempt (rejected)', async () => {
    const asker = await vonageCall('393332000001');
    await askForCallback(asker.call);
    const before = stub.requests.filter(isCreate).length;

    await anna.available();
    await desk.acceptNext(asker.contactId);
    const first = await outboundCall(before);
    await outboundEvent(first.body.event_url[0]!, first.uuid, 'ringing');
    await outboundEvent(first.body.event_url[0]!, first.uuid, 'timeout');
    await desk.notReached(asker.contactId, 'no-answer');
    // Back at its place after the delay: ahead of a younger caller.
    const younger = await desk.retriedAtItsPlace(asker.contactId, () => vonageCall('393332000002'));
    const second = await outboundCall(before + 1);
    expect(second.body.event_url).toEqual([`${VOICE}/callback-event?contactId=${asker.contactId}&attempt=2`]);
    // A late report about the first attempt changes nothing.
    await outboundEvent(first.body.event_url[0]!, first.uuid, 'answered');
    expect((await getContact(service.url, asker.contactId)).state).toBe('calling_back');
    await outboundEvent(second.body.event_url[0]!, second.uuid, 'rejected');
    await desk.expectFailed(asker.contactId, 'failed');
    // Two attempts, then no more calls placed; a late report of the last one changes nothing.
    await outboundEvent(second.body.event_url[0]!, second.uuid, 'completed');
    expect((await getContact(service.url, asker.contactId)).state).toBe('callback_failed');
    expect(stub.requests.filter(isCreate)).toHaveLength(before + 2);

    await hangUpWhileOffered(younger.call, younger.contactId);
  }, 90_000);

  it('a withheld number is offered no callback: it holds in the conversation, and the key is refused with the reason', async () => {
    const call = newCall('Unknown');
    await vonage.answer(call);
    const queued = await vonage.post('input', input(call, '1'));
    expect(queued.status).toBe(200);
    expect(queued.body.map((action: { action: string }) => action.action)).toEqual([
      'talk',
      'talk',
      'conversation',
    ]);
    expect(JSON.stringify(queued.body)).not.toContain('prema 9');
    const contactId = (await contactOf(call.uuid)).id;
    // The key reported anyway (a retried round of another loop): told why, and holding on.
    const pressed = await vonage.post('callback', input(call, '9'));
    expect(pressed.status).toBe(200);
    expect(pressed.body).toEqual([
      expect.objectContaining({ action: 'talk', text: expect.stringContaining('non possiamo richiamarla') }),
      { action: 'conversation', name: `centralino-${contactId}`, startOnEnter: false },
    ]);
    const contact = await contactOf(call.uuid);
    expect(contact).toMatchObject({ state: 'queued', callback: null });
    await vonage.post('event', event(call, 'completed'));
    await waitForState(service.url, contactId, 'abandoned');
    // An unknown call's key loop gets an empty NCCO; an event_url naming no contact is a 400 with the reason.
    expect(await vonage.post('callback', input(newCall('393339000001'), '9'))).toEqual({
      status: 200,
      body: [],
    });
    const bad = await vonage.post(
      'callback-event?contactId=nope&attempt=0',
      event(newCall(COMPANY_NUMBER), 'answered'),
    );
    expect(bad.status).toBe(400);
    expect(JSON.stringify(bad.body)).toMatch(/contactId|attempt/);
  }, 30_000);
});
