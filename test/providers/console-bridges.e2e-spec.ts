import { generateKeyPairSync, randomBytes, randomUUID } from 'node:crypto';
import { XMLParser } from 'fast-xml-parser';
import type { Ack } from '@centralino/realtime/operator-events.contract';
import { getContact } from '../support/contacts-api';
import { writeFixtureConfig } from '../support/fixture-config';
import { OperatorClient } from '../support/operator-client';
import { TelnyxClient } from '../support/telnyx-client';
import { startTestService, TestService } from '../support/test-service';
import { TwilioClient } from '../support/twilio-client';
import { VonageClient } from '../support/vonage-client';
import { RecordedRequest, RestStub } from './rest-stub';

const PUBLIC_BASE_URL = 'https://centralino.example.com';
const TWILIO_TOKEN = randomBytes(16).toString('hex');
const ACCOUNT_SID = `AC${randomBytes(16).toString('hex')}`;
const VONAGE_SECRET = randomBytes(24).toString('hex');
const VONAGE_APPLICATION_ID = randomUUID();
const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
const WAREHOUSE_PHONE = '+390233334444';
const xml = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '@_', parseTagValue: false });

/** The providers' front office with a department the console can transfer calls out to. */
const FIXTURE = writeFixtureConfig((config) => {
  config.directory = [{ id: 'warehouse', kind: 'department', name: 'Magazzino', phone: WAREHOUSE_PHONE }];
}, 'front-office.providers.yaml');

function data<T>(ack: Ack<T>): T {
  if (!ack.ok) throw new Error(`refused: ${ack.error.code} ${ack.error.message}`);
  return ack.data;
}

/** A provider as the console's actions reach it: how to place a call, and what its REST API received. */
interface Provider {
  name: string;
  /** Places a billing call (menu digit 1) and returns the provider's call id. */
  call(): Promise<string>;
  /** The REST requests about that call, as the provider's API received them. */
  requests(callId: string): RecordedRequest[];
  hangUp(callId: string): Promise<void>;
}

describe('console actions reach Telnyx, Vonage and Twilio calls over their REST APIs', () => {
  let service: TestService;
  let stub: RestStub;
  let telnyx: TelnyxClient;
  let vonage: VonageClient;
  let twilio: TwilioClient;
  let anna: OperatorClient;
  /** Makes the Telnyx stub refuse `transfer` commands (422), as Telnyx does for a bad destination. */
  let refuseTransfers = false;

  beforeAll(async () => {
    stub = await new RestStub((request) =>
      refuseTransfers && request.path.endsWith('/actions/transfer')
        ? { status: 422, body: { errors: [{ title: 'Invalid destination' }] } }
        : { status: 200, body: { data: { result: 'ok' } } },
    ).start();
    telnyx = new TelnyxClient('', stub.requests);
    service = await startTestService('pglite', {
      FRONT_OFFICE_CONFIG: FIXTURE,
      PUBLIC_BASE_URL,
      TWILIO_AUTH_TOKEN: TWILIO_TOKEN,
      TWILIO_ACCOUNT_SID: ACCOUNT_SID,
      TWILIO_API_BASE_URL: stub.url,
      VONAGE_SIGNATURE_SECRET: VONAGE_SECRET,
      VONAGE_APPLICATION_ID,
      VONAGE_PRIVATE_KEY: privateKey
        .export({ type: 'pkcs8', format: 'pem' })
        .toString()
        .replace(/\n/g, '\\n'),
      VONAGE_API_BASE_URL: stub.url,
      TELNYX_PUBLIC_KEY: telnyx.publicKey,
      TELNYX_API_KEY: `KEY${randomBytes(8).toString('hex')}`,
      TELNYX_API_BASE_URL: `${stub.url}/v2`,
    });
    telnyx.serviceUrl = service.url;
    vonage = new VonageClient(service.url, VONAGE_SECRET, VONAGE_APPLICATION_ID);
    twilio = new TwilioClient(service.url, PUBLIC_BASE_URL, TWILIO_TOKEN);
    anna = await OperatorClient.connect(service.url, 'anna');
    await anna.available();
  }, 90_000);

  afterAll(async () => {
    anna?.close();
    await service?.stop();
    await stub?.stop();
  });

  const providers: Provider[] = [
    {
      name: 'telnyx',
      async call() {
        const call = TelnyxClient.call(`+39333${Math.floor(Math.random() * 1e7)}`);
        await telnyx.send('call.initiated', call);
        await telnyx.send('call.gather.ended', call, { digits: '1', status: 'valid' });
        return call.call_control_id;
      },
      requests: (callId) =>
        stub.requests.filter((request) =>
          request.path.startsWith(`/v2/calls/${encodeURIComponent(callId)}/`),
        ),
      async hangUp(callId) {
        await telnyx.send('call.hangup', { ...TelnyxClient.call(), call_control_id: callId });
      },
    },
    {
      name: 'vonage',
      async call() {
        const call = { uuid: randomUUID(), from: '393471112233', to: '390200000000' };
        await vonage.answer(call);
        await vonage.post('input', { ...call, dtmf: { digits: '1' } });
        return call.uuid;
      },
      requests: (callId) => stub.requests.filter((request) => request.path === `/v1/calls/${callId}`),
      async hangUp(callId) {
        await vonage.post('event', {
          uuid: callId,
          status: 'completed',
          timestamp: new Date().toISOString(),
        });
      },
    },
    {
      name: 'twilio',
      async call() {
        const call = {
          CallSid: `CA${randomBytes(16).toString('hex')}`,
          From: '+393331112233',
          To: '+390200000000',
        };
        await twilio.post('/webhooks/twilio/voice', call);
        await twilio.post('/webhooks/twilio/voice/gather', { ...call, Digits: '1' });
        return call.CallSid;
      },
      requests: (callId) => stub.requests.filter((request) => request.path.includes(`/Calls/${callId}.json`)),
      async hangUp(callId) {
        await twilio.post('/webhooks/twilio/voice/status', { CallSid: callId, CallStatus: 'completed' });
      },
    },
  ];

  /** A call of `provider` accepted by anna; resolves once the provider was told to connect it. */
  async function connected(provider: Provider) {
    const callId = await provider.call();
    const offer = await anna.next('offer');
    const beforeAccept = provider.requests(callId).length;
    data(await anna.send('offer.accept', { offerId: offer.offerId }));
    await waitFor(() => provider.requests(callId).length > beforeAccept);
    const before = provider.requests(callId).length;
    return { callId, contactId: offer.contactId, before };
  }

  async function waitFor(done: () => boolean, timeoutMs = 10_000) {
    const deadline = Date.now() + timeoutMs;
    while (!done()) {
      if (Date.now() > deadline) {
        throw new Error(`the provider API was not called: ${stub.requests.map((r) => r.path).join(' ')}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
  }

  /** The request the console action caused (the first after `before`). */
  async function nextRequest(provider: Provider, callId: string, before: number) {
    await waitFor(() => provider.requests(callId).length > before);
    return provider.requests(callId).slice(before);
  }

  async function wrapUpOver() {
    await anna.next('operator.state', (state) => state.state === 'available', 10_000);
  }

  /** What each provider's API received, decoded: a Telnyx command, a Vonage call update, Twilio TwiML. */
  function decoded(provider: Provider, request: RecordedRequest) {
    if (provider.name === 'telnyx') {
      return {
        action: request.path.split('/').at(-1),
        body: JSON.parse(request.body) as Record<string, unknown>,
      };
    }
    if (provider.name === 'vonage') {
      const token = /^Bearer (.+)$/.exec(request.headers.authorization ?? '')![1]!;
      const claims = JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString()) as object;
      expect(claims).toMatchObject({ application_id: VONAGE_APPLICATION_ID });
      expect(request.method).toBe('PUT');
      return JSON.parse(request.body) as Record<string, unknown>;
    }
    const form = new URLSearchParams(request.body);
    return { status: form.get('Status'), twiml: form.get('Twiml') ? xml.parse(form.get('Twiml')!) : null };
  }

  it.each(['telnyx', 'vonage', 'twilio'])('%s: completing the call hangs it up', async (name) => {
    const provider = providers.find((candidate) => candidate.name === name)!;
    const { callId, contactId, before } = await connected(provider);
    data(await anna.send('contact.complete', { contactId, disposition: 'resolved' }));
    const [request] = await nextRequest(provider, callId, before);
    const sent = decoded(provider, request!);
    if (name === 'telnyx') {
      expect(sent).toMatchObject({ action: 'hangup', body: { command_id: `hangup-${contactId}:0:hangup` } });
    } else if (name === 'vonage') {
      expect(sent).toEqual({ action: 'hangup' });
    } else {
      expect(sent).toMatchObject({ status: 'completed' });
    }
    expect((await getContact(service.url, contactId)).state).toBe('completed');
    await provider.hangUp(callId);
    await wrapUpOver();
  });

  it.each(['telnyx', 'vonage', 'twilio'])(
    '%s: transferring to a queue puts the caller back on hold with the waiting prompts',
    async (name) => {
      const provider = providers.find((candidate) => candidate.name === name)!;
      const { callId, contactId, before } = await connected(provider);
      data(await anna.send('contact.transfer', { contactId, target: { kind: 'queue', queue: 'reception' } }));
      const requests = await nextRequest(provider, callId, before);
      if (name === 'telnyx') {
        await waitFor(() => provider.requests(callId).length >= before + 3);
        const commands = provider
          .requests(callId)
          .slice(before)
          .map((request) => decoded(provider, request) as { action: string; body: Record<string, unknown> });
        expect(commands.map((command) => command.action)).toEqual(['speak', 'speak', 'enqueue']);
        expect(commands[0]!.body).toMatchObject({ payload: 'Grazie, attenda in linea.' });
        expect(commands[1]!.body.payload).toMatch(/in attesa|persone prima di lei/);
        expect(commands[2]!.body).toMatchObject({ queue_name: 'reception' });
      } else if (name === 'vonage') {
        expect(decoded(provider, requests[0]!)).toMatchObject({
          action: 'transfer',
          destination: {
            type: 'ncco',
            ncco: [
              { action: 'talk', text: 'Grazie, attenda in linea.' },
              { action: 'talk' },
              { action: 'conversation', name: `centralino-${contactId}` },
            ],
          },
        });
      } else {
        const { twiml } = decoded(provider, requests[0]!) as { twiml: { Response: Record<string, unknown> } };
        expect(twiml.Response.Say).toMatchObject({ '#text': 'Grazie, attenda in linea.' });
        expect(twiml.Response.Enqueue).toMatchObject({
          '#text': 'reception',
          '@_waitUrl': `${PUBLIC_BASE_URL}/webhooks/twilio/voice/wait`,
        });
      }
      expect((await getContact(service.url, contactId)).state).toBe('queued');
      await provider.hangUp(callId);
      await wrapUpOver();
    },
  );

  it.each(['telnyx', 'vonage', 'twilio'])(
    "%s: transferring to a department dials the department's number",
    async (name) => {
      const provider = providers.find((candidate) => candidate.name === name)!;
      const { callId, contactId, before } = await connected(provider);
      data(
        await anna.send('contact.transfer', {
          contactId,
          target: { kind: 'department', departmentId: 'warehouse' },
        }),
      );
      const [request] = await nextRequest(provider, callId, before);
      const sent = decoded(provider, request!);
      if (name === 'telnyx') {
        expect(sent).toMatchObject({
          action: 'transfer',
          body: { to: WAREHOUSE_PHONE, command_id: `transfer-${contactId}:0:transfer` },
        });
      } else if (name === 'vonage') {
        expect(sent).toMatchObject({
          action: 'transfer',
          destination: {
            ncco: [{ action: 'connect', endpoint: [{ type: 'phone', number: WAREHOUSE_PHONE.slice(1) }] }],
          },
        });
      } else {
        expect((sent as { twiml: { Response: { Dial: unknown } } }).twiml.Response.Dial).toMatchObject({
          Number: WAREHOUSE_PHONE,
        });
      }
      expect((await getContact(service.url, contactId)).state).toBe('transferred');
      await provider.hangUp(callId);
      await wrapUpOver();
    },
  );

  it('a provider that refuses the transfer leaves the caller with the operator (nothing changed)', async () => {
    const provider = providers[0]!;
    const { contactId } = await connected(provider);
    refuseTransfers = true;
    try {
      const ack = await anna.send('contact.transfer', {
        contactId,
        target: { kind: 'department', departmentId: 'warehouse' },
      });
      expect(ack.ok).toBe(false);
    } finally {
      refuseTransfers = false;
    }
    expect((await getContact(service.url, contactId)).state).toBe('connected');
    data(await anna.send('contact.complete', { contactId, disposition: 'resolved' }));
    await wrapUpOver();
  });
});
