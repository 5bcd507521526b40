import { randomBytes, randomUUID } from 'node:crypto';
import { XMLParser } from 'fast-xml-parser';
import { GenericSignatureVerifier } from '@centralino/intake';
import { ContactRepository } from '@centralino/persistence';
import { callbackRetryJobId, CallbackService } from '@centralino/routing';
import { QueueRegistry } from '@centralino/queueing';
import { CallbackDesk, writeCallbackFixture } from '../support/callbacks';
import { getContact, waitForState } from '../support/contacts-api';
import { callEnded, callStarted } from '../support/calls';
import { ChatCustomer } from '../support/chat-customer';
import { OperatorClient } from '../support/operator-client';
import { TEST_WEBHOOK_SECRET, TestService } from '../support/test-service';
import { TwilioClient } from '../support/twilio-client';
import { postGenericWebhook } from '../support/webhook-client';
import { RestStub } from '../providers/rest-stub';

const PUBLIC_BASE_URL = 'https://centralino.example.com';
const TWILIO_TOKEN = randomBytes(16).toString('hex');
const ACCOUNT_SID = `AC${randomBytes(16).toString('hex')}`;
const COMPANY_NUMBER = '+390200000000';
const CHAT_CALLER_ID = '+390200000099';
const REFUSED_NUMBER = '393335000001';
const xml = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '@_', parseTagValue: false });

const FIXTURE = writeCallbackFixture((config) => {
  // Chat customers are called back through Twilio, from this number.
  Object.assign(config.callbacks as object, { provider: 'twilio', fromNumber: CHAT_CALLER_ID });
  // A supervisor, to read the reports.
  const operators = config.operators as Record<string, unknown>[];
  operators.push({ ...operators[0], username: 'sara', displayName: 'Sara', role: 'supervisor', skills: {} });
});

const callsPath = `/2010-04-01/Accounts/${ACCOUNT_SID}/Calls.json`;

describe('callbacks keep their place and are retried per the policy (Twilio and the generic webhook)', () => {
  let desk: CallbackDesk;
  let service: TestService;
  let stub: RestStub;
  let twilio: TwilioClient;
  let anna: OperatorClient;
  /** The sid the stub gives each outbound call it creates, in order. */
  const outboundSids: string[] = [];

  beforeAll(async () => {
    desk = await CallbackDesk.start(
      (request) => {
        // Twilio refuses to call this number (as for a number it cannot dial: 400 with code 21217).
        if (
          request.method === 'POST' &&
          request.path === callsPath &&
          request.body.includes(REFUSED_NUMBER)
        ) {
          // Indexed like the requests: outboundCall(n) pairs the n-th request with its sid.
          outboundSids.push('refused');
          return {
            status: 400,
            body: { code: 21217, message: 'Phone number is not a valid phone number', status: 400 },
          };
        }
        if (request.method === 'POST' && request.path === callsPath) {
          const sid = `CA${randomBytes(16).toString('hex')}`;
          outboundSids.push(sid);
          return { status: 201, body: { sid, status: 'queued' } };
        }
        return { status: 200, body: { sid: 'CA0', status: 'in-progress' } };
      },
      (rest) => ({
        FRONT_OFFICE_CONFIG: FIXTURE,
        PUBLIC_BASE_URL,
        TWILIO_AUTH_TOKEN: TWILIO_TOKEN,
        TWILIO_ACCOUNT_SID: ACCOUNT_SID,
        TWILIO_API_BASE_URL: rest.url,
        GENERIC_ACTIONS_URL: `${rest.url}/gateway/actions`,
      }),
    );
    ({ service, stub, anna } = desk);
    twilio = new TwilioClient(service.url, PUBLIC_BASE_URL, TWILIO_TOKEN);
  }, 90_000);

  afterAll(async () => {
    await desk?.stop();
  });

  beforeEach(async () => {
    await desk.away();
  });

  /** A Twilio billing call (menu digit 1); returns its CallSid and contact id. */
  async function twilioCall(from: string) {
    const call = { CallSid: `CA${randomBytes(16).toString('hex')}`, From: from, To: COMPANY_NUMBER };
    expect((await twilio.post('/webhooks/twilio/voice', call)).status).toBe(200);
    const queued = await twilio.post('/webhooks/twilio/voice/gather', { ...call, Digits: '1' });
    expect(queued.status).toBe(200);
    expect(queued.twiml.Response.Enqueue['#text']).toBe('billing');
    const contactId = await contactIdOf(call.CallSid);
    return { call, contactId };
  }

  /** The contact of a Twilio call (the TwiML does not name it). */
  async function contactIdOf(callSid: string): Promise<string> {
    return (await desk.contactByCall('twilio', callSid)).id;
  }

  /** The caller presses the callback key in the hold loop, then hangs up as told. */
  async function askForCallback(call: { CallSid: string; From: string; To: string }) {
    const hold = await twilio.post('/webhooks/twilio/voice/wait', call);
    const gather = hold.twiml.Response.Gather;
    expect(gather['@_action']).toBe(`${PUBLIC_BASE_URL}/webhooks/twilio/voice/callback`);
    expect(gather['@_numDigits']).toBe('1');
    expect(String(gather.Say['#text'] ?? gather.Say)).toContain('prema 9');
    const pressed = await twilio.post('/webhooks/twilio/voice/callback', { ...call, Digits: '9' });
    expect(String(pressed.twiml.Response.Say['#text'] ?? pressed.twiml.Response.Say)).toContain(
      'La richiameremo',
    );
    expect(pressed.twiml.Response).toHaveProperty('Hangup');
    // The caller's call ends: Twilio reports the queue left and the call completed.
    await twilio.post('/webhooks/twilio/voice/queue-result', { ...call, QueueResult: 'hangup' });
    await twilio.post('/webhooks/twilio/voice/status', { ...call, CallStatus: 'completed' });
  }

  /** The outbound Calls.json request for the n-th callback placed (0-based), decoded. */
  async function outboundCall(index: number) {
    const request = await stub.nth((candidate) => candidate.path === callsPath, index);
    const form = new URLSearchParams(request.body);
    return {
      to: form.get('To'),
      from: form.get('From'),
      twiml: xml.parse(form.get('Twiml') ?? ''),
      statusCallback: form.get('StatusCallback'),
      events: form.getAll('StatusCallbackEvent'),
      timeout: form.get('Timeout'),
      sid: outboundSids[index]!,
    };
  }

  /** The caller of a Twilio call anna is offered next hangs up while it rings (nothing left for the next test). */
  const hangUpWhileOffered = (call: { CallSid: string; From: string; To: string }, contactId: string) =>
    desk.hangUpWhileOffered(contactId, () =>
      twilio.post('/webhooks/twilio/voice/status', { ...call, CallStatus: 'completed' }),
    );

  /** Twilio's status callback of an outbound callback call, at the URL calls.create was given. */
  async function outboundStatus(statusCallback: string, sid: string, CallStatus: string) {
    const path = statusCallback.slice(PUBLIC_BASE_URL.length);
    const reply = await twilio.post(path, {
      CallSid: sid,
      CallStatus,
      From: COMPANY_NUMBER,
      To: '+393330000000',
    });
    expect(reply.status).toBe(200);
  }

  it('Twilio: a caller who presses 9 keeps their place, is offered as a callback, called back and completed', async () => {
    const earlier = await twilioCall('+393331000001');
    const asker = await twilioCall('+393331000002');
    await askForCallback(asker.call);
    const later = await twilioCall('+393331000003');
    // The hang-up did not abandon it: it waits as a callback, still in its queue.
    const waiting = await getContact(service.url, asker.contactId);
    expect(waiting.state).toBe('queued');
    expect(waiting.events.some((event) => event.data.kind === 'callback_requested')).toBe(true);

    await anna.available();
    const first = await desk.acceptNext(earlier.contactId);
    expect(first.callback).toBeNull();
    await twilio.post('/webhooks/twilio/voice/status', { ...earlier.call, CallStatus: 'completed' });
    await anna.next('operator.state', (state) => state.state === 'available', 10_000);

    // Its turn comes before the later caller's: the callback kept its place.
    const offer = await desk.acceptNext(asker.contactId);
    expect(offer.callback).toEqual({ number: expect.stringMatching(/^\+39\*+002$/), attempt: 1 });
    const outbound = await outboundCall(0);
    expect(outbound).toMatchObject({ to: '+393331000002', from: COMPANY_NUMBER, timeout: '10' });
    expect(outbound.twiml.Response.Dial.Client).toBe('anna');
    expect(outbound.statusCallback).toBe(
      `${PUBLIC_BASE_URL}/webhooks/twilio/voice/callback-status?contactId=${asker.contactId}&attempt=1`,
    );
    expect(outbound.events).toEqual(expect.arrayContaining(['answered', 'completed']));
    expect((await getContact(service.url, asker.contactId)).state).toBe('calling_back');

    // The accept's acknowledgement showed it being called; the answer shows it connected.
    await anna.next(
      'contact.connected',
      (c) => c.contactId === asker.contactId && c.state === 'calling_back',
    );
    await outboundStatus(outbound.statusCallback!, outbound.sid, 'in-progress');
    const connected = await waitForState(service.url, asker.contactId, 'connected');
    expect(connected.connectedAt).not.toBeNull();
    await anna.next('contact.connected', (c) => c.contactId === asker.contactId && c.state === 'connected');
    await outboundStatus(outbound.statusCallback!, outbound.sid, 'completed');
    const completed = await waitForState(service.url, asker.contactId, 'completed');
    // A repeated report changes nothing.
    await outboundStatus(outbound.statusCallback!, outbound.sid, 'completed');
    expect((await getContact(service.url, asker.contactId)).events.length).toBe(completed.events.length);

    await hangUpWhileOffered(later.call, later.contactId);
  }, 90_000);

  it('Twilio: not reached, retried at its place after the delay, then callback_failed after the last attempt', async () => {
    const asker = await twilioCall('+393332000001');
    await askForCallback(asker.call);
    const before = stub.requests.filter((request) => request.path === callsPath).length;

    await anna.available();
    await desk.acceptNext(asker.contactId);
    const first = await outboundCall(before);
    await outboundStatus(first.statusCallback!, first.sid, 'no-answer');
    await desk.notReached(asker.contactId);
    // Back at its place after the delay: ahead of a younger caller.
    const younger = await desk.retriedAtItsPlace(asker.contactId, () => twilioCall('+393332000002'));
    const second = await outboundCall(before + 1);
    expect(second.statusCallback).toContain('attempt=2');
    // A late report about the first attempt changes nothing.
    await outboundStatus(first.statusCallback!, first.sid, 'in-progress');
    expect((await getContact(service.url, asker.contactId)).state).toBe('calling_back');
    await outboundStatus(second.statusCallback!, second.sid, 'busy');
    const failed = await desk.expectFailed(asker.contactId, 'busy');
    expect(failed.events.filter((event) => event.type === 'calling_back')).toHaveLength(2);
    // Two attempts, then no more calls placed.
    expect(stub.requests.filter((request) => request.path === callsPath).length).toBe(before + 2);

    await hangUpWhileOffered(younger.call, younger.contactId);
  }, 90_000);

  it('generic webhook: the callback key while holding, the dial command pushed to the gateway, answered and ended', async () => {
    const started = callStarted({ digits: '1', from: '+393333000001' });
    const reply = await postGenericWebhook(service.url, started);
    expect(reply.status).toBe(200);
    const contactId = reply.body.contactId as string;
    expect(reply.body.actions).toEqual(
      expect.arrayContaining([expect.objectContaining({ type: 'enqueue', callbackDigit: '9' })]),
    );
    const input = { id: `evt_${randomUUID()}`, type: 'call.input', callId: started.callId, digits: '9' };
    const pressed = await postGenericWebhook(service.url, input);
    expect(pressed.status).toBe(200);
    expect(pressed.body).toMatchObject({ contactId, state: 'queued', callback: { attempts: 0 } });
    expect(pressed.body.actions).toEqual([expect.objectContaining({ type: 'say' }), { type: 'hangup' }]);
    // A retried delivery gets the same answer; the hang-up keeps the contact waiting.
    expect((await postGenericWebhook(service.url, input)).body).toMatchObject({ duplicate: true });
    expect((await postGenericWebhook(service.url, callEnded(started.callId))).status).toBe(200);
    expect((await getContact(service.url, contactId)).state).toBe('queued');

    await anna.available();
    const offer = await desk.acceptNext(contactId);
    expect(offer.callback).toMatchObject({ attempt: 1 });
    const pushed = await stub.nth(
      (request) => request.path === '/gateway/actions' && request.body.includes('"dial"'),
      0,
    );
    const signature = pushed.headers['webhook-signature'] as string;
    expect(() =>
      new GenericSignatureVerifier([TEST_WEBHOOK_SECRET], 300).verify(signature, Buffer.from(pushed.body)),
    ).not.toThrow();
    const message = JSON.parse(pushed.body) as {
      callId: string;
      contactId: string;
      state: string;
      actions: Record<string, unknown>[];
    };
    expect(message).toMatchObject({ contactId, state: 'calling_back', callId: `cb-${contactId}-1` });
    expect(message.actions).toEqual([
      {
        type: 'dial',
        number: '+393333000001',
        from: '+390200000000',
        timeoutSeconds: 10,
        attempt: 1,
        endpoint: { kind: 'client', identity: 'anna' },
      },
    ]);

    const answered = { id: `evt_${randomUUID()}`, type: 'call.answered', callId: message.callId };
    expect((await postGenericWebhook(service.url, answered)).body).toMatchObject({ state: 'connected' });
    expect((await postGenericWebhook(service.url, callEnded(message.callId, 'completed'))).status).toBe(200);
    await waitForState(service.url, contactId, 'completed');
    // The inbound call's id no longer names the contact: a late event about it is a 404, nothing changes.
    expect((await postGenericWebhook(service.url, callEnded(started.callId))).status).toBe(404);
  }, 90_000);

  it('refuses a callback to a number that cannot be called: the caller holds on', async () => {
    const started = callStarted({ digits: '1', from: 'anonymous' });
    const reply = await postGenericWebhook(service.url, started);
    const contactId = reply.body.contactId as string;
    // Withheld: no callback offered in the holding instructions...
    expect(JSON.stringify(reply.body.actions)).not.toContain('callbackDigit');
    const pressed = await postGenericWebhook(service.url, {
      id: `evt_${randomUUID()}`,
      type: 'call.input',
      callId: started.callId,
      digits: '9',
    });
    // ...and the key is refused with a reason, the caller still waiting.
    expect(pressed.status).toBe(200);
    expect(pressed.body).toMatchObject({ state: 'queued', callback: null });
    expect(JSON.stringify(pressed.body.actions)).toContain('non possiamo richiamarla');
    await postGenericWebhook(service.url, callEnded(started.callId));
    await waitForState(service.url, contactId, 'abandoned');
    // A Twilio outbound status that names no contact or attempt is a 400 with the reason.
    const bad = await twilio.post('/webhooks/twilio/voice/callback-status?contactId=nope&attempt=0', {
      CallSid: `CA${randomBytes(16).toString('hex')}`,
      CallStatus: 'completed',
    });
    expect(bad.status).toBe(400);
    expect(JSON.stringify(bad.twiml)).toMatch(/contactId|attempt/);
  }, 30_000);

  it('chat: "call me back" with a number keeps the place of the chat, takes the voice slot and is called from the configured number', async () => {
    const customer = await ChatCustomer.connect(service.url);
    try {
      await customer.start({ language: 'it' });
      expect((await customer.say('ho un problema con la fattura')).ok).toBe(true);
      const waiting = await customer.next('chat.status', (status) => status.state === 'waiting');
      expect(waiting.canRequestCallback).toBe(true);
      const contact = await service.running.app
        .get(ContactRepository)
        .findByExternalId('webchat', customer.conversationId);
      const contactId = contact!.id;

      // A number that cannot be called is refused with the reason; nothing changes.
      const refused = await customer.send('chat.callback', { number: '12345' });
      expect(refused).toMatchObject({ ok: false, error: { code: 'validation_failed' } });
      expect(JSON.stringify(refused)).toContain('E.164');
      const asked = await customer.send<{ callback?: { number: string } }>('chat.callback', {
        number: '+39 347 111 2233',
      });
      expect(asked).toMatchObject({
        ok: true,
        data: { state: 'waiting', callback: { number: '+39***233' } },
      });
      await customer.line((line) => line.text.includes('ti chiameremo al +39***233'));
      // The customer closes the widget: the callback still waits at its place.
      customer.close();
      const later = await twilioCall('+393334000001');

      await anna.available();
      const offer = await desk.acceptNext(contactId);
      expect(offer.callback).toEqual({ number: '+39***233', attempt: 1 });
      const placed = stub.requests.filter((request) => request.path === callsPath).length - 1;
      const outbound = await outboundCall(placed);
      expect(outbound).toMatchObject({ to: '+393471112233', from: CHAT_CALLER_ID });
      // The chat took anna's voice slot: she is busy, nothing else is offered meanwhile.
      expect(await anna.quietFor('offer', 1000)).toBe(true);
      await outboundStatus(outbound.statusCallback!, outbound.sid, 'in-progress');
      await waitForState(service.url, contactId, 'connected');
      await outboundStatus(outbound.statusCallback!, outbound.sid, 'completed');
      await waitForState(service.url, contactId, 'completed');

      // Wrap-up of the voice slot, then the next call.
      await hangUpWhileOffered(later.call, later.contactId);
    } finally {
      customer.close();
    }
  }, 90_000);

  it('a callback the provider refuses to place counts as an attempt not reached: retried, then callback_failed', async () => {
    const asker = await twilioCall(`+${REFUSED_NUMBER}`);
    await askForCallback(asker.call);
    await anna.available();
    await desk.acceptNext(asker.contactId);
    // Refused at once: anna is freed (wrap-up) and the callback waits out its retry delay.
    const ended = await anna.next('contact.ended', (payload) => payload.contactId === asker.contactId);
    expect(ended.state).toBe('callback_pending');
    await anna.next('operator.state', (state) => state.state === 'available', 10_000);
    const again = await desk.acceptNext(asker.contactId);
    expect(again.callback).toMatchObject({ attempt: 2 });
    const failed = await waitForState(service.url, asker.contactId, 'callback_failed');
    expect(failed.events.find((event) => event.type === 'callback_failed')?.data).toMatchObject({
      status: 'failed',
      attempts: 2,
    });
    const refused = stub.requests.filter(
      (request) => request.path === callsPath && request.body.includes(REFUSED_NUMBER),
    );
    expect(refused).toHaveLength(2);
  }, 60_000);

  it('recovery (the reconciler): an attempt that never reports is not reached; a late retry is done in its place', async () => {
    const asker = await twilioCall('+393336000001');
    await askForCallback(asker.call);
    await anna.available();
    await desk.acceptNext(asker.contactId);
    expect((await getContact(service.url, asker.contactId)).state).toBe('calling_back');
    const callbacks = service.running.app.get(CallbackService);
    // Within the ring time and its grace nothing is touched...
    await callbacks.recover(Date.now() + 30_000);
    expect((await getContact(service.url, asker.contactId)).state).toBe('calling_back');
    // ...long after it, the silent attempt counts as not reached and the operator is freed.
    await callbacks.recover(Date.now() + (10 + 90 + 10) * 1000);
    const pending = await getContact(service.url, asker.contactId);
    expect(pending.state).toBe('callback_pending');
    expect(pending.events.findLast((event) => event.type === 'callback_pending')?.data).toMatchObject({
      status: 'no_status',
      attempt: 1,
    });
    const ended = await anna.next('contact.ended', (payload) => payload.contactId === asker.contactId);
    expect(ended.state).toBe('callback_pending');
    // A retry whose timer is lost is done by the sweep once its time is well past.
    await service.running.app.get(QueueRegistry).cancel(callbackRetryJobId(asker.contactId, 1));
    await anna.send('state.set', { state: 'away' });
    await callbacks.recover(Date.now() + 60_000);
    await waitForState(service.url, asker.contactId, 'queued');
    await anna.next('operator.state', (state) => state.state === 'away', 10_000).catch(() => undefined);
    await anna.available();
    const again = await desk.acceptNext(asker.contactId);
    expect(again.callback).toMatchObject({ attempt: 2 });
    const outbound = await stub.nth(
      (request) => request.path === callsPath && request.body.includes('393336000001'),
      1,
    );
    const status = new URLSearchParams(outbound.body).get('StatusCallback')!;
    await outboundStatus(status, 'CA' + 'f'.repeat(32), 'no-answer');
    await waitForState(service.url, asker.contactId, 'callback_failed');
  }, 60_000);

  it('reports: a callback counts once, answered only when the customer picks up; callback_failed is not abandoned', async () => {
    const { token } = await OperatorClient.login(service.url, 'sara');
    const day = (offsetDays: number) =>
      new Date(Date.now() + offsetDays * 86_400_000).toLocaleDateString('sv-SE', { timeZone: 'Europe/Rome' });
    const totals = async () => {
      const query = `from=${day(0)}&to=${day(1)}&interval=1d&groupBy=none`;
      const response = await fetch(`${service.url}/reports/intervals?${query}`, {
        headers: { authorization: `Bearer ${token}` },
      });
      expect(response.status).toBe(200);
      return ((await response.json()) as { total: Record<string, number> }).total;
    };
    const before = await totals();

    const reached = await twilioCall('+393337000001');
    await askForCallback(reached.call);
    const missed = await twilioCall('+393337000002');
    await askForCallback(missed.call);
    await anna.available();
    // The status URL of the n-th outbound call (0-based) to a number; the contact is named in it.
    const statusUrlOf = async (number: string, n: number) => {
      const request = await stub.nth(
        (candidate) => candidate.path === callsPath && candidate.body.includes(number),
        n,
      );
      return new URLSearchParams(request.body).get('StatusCallback')!;
    };
    const sid = () => `CA${randomBytes(16).toString('hex')}`;
    await desk.acceptNext(reached.contactId);
    const reachedUrl = await statusUrlOf('393337000001', 0);
    await outboundStatus(reachedUrl, sid(), 'in-progress');
    await outboundStatus(reachedUrl, sid(), 'completed');
    await waitForState(service.url, reached.contactId, 'completed');
    for (let attempt = 1; attempt <= 2; attempt++) {
      await desk.acceptCallback(missed.contactId, attempt);
      await outboundStatus(await statusUrlOf('393337000002', attempt - 1), sid(), 'no-answer');
      await waitForState(
        service.url,
        missed.contactId,
        attempt === 1 ? 'callback_pending' : 'callback_failed',
      );
    }

    const after = await totals();
    expect(after.offered - before.offered).toBe(2);
    expect(after.answered - before.answered).toBe(1);
    expect(after.handled - before.handled).toBe(1);
    expect(after.abandoned - before.abandoned).toBe(0);
    expect(after.messagesTaken - before.messagesTaken).toBe(0);
  }, 90_000);
});
