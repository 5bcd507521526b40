import { createPublicKey, generateKeyPairSync, randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { JwtService } from '@nestjs/jwt';
import { stringify } from 'yaml';
import { GenericSignatureVerifier } from '@centralino/intake';
import { ContactRepository, DatabaseService } from '@centralino/persistence';
import { ContactFlowService } from '@centralino/routing';
import { callStarted } from '../support/calls';
import { getContact } from '../support/contacts-api';
import { OperatorClient } from '../support/operator-client';
import { Scrape } from '../support/prometheus';
import { TelnyxClient } from '../support/telnyx-client';
import { startTestService, TEST_WEBHOOK_SECRET, TestService } from '../support/test-service';
import { TwilioClient } from '../support/twilio-client';
import { VonageClient } from '../support/vonage-client';
import { postGenericWebhook } from '../support/webhook-client';
import { RecordedRequest, RestStub } from './rest-stub';

const PUBLIC_BASE_URL = 'https://centralino.example.com';
const FIXTURE = resolve(__dirname, '../fixtures/front-office.providers.yaml');
const secret = () => randomBytes(20).toString('hex');
const accountSid = () => `AC${randomBytes(16).toString('hex')}`;
const rsaKey = () =>
  generateKeyPairSync('rsa', { modulusLength: 2048 })
    .privateKey.export({ type: 'pkcs8', format: 'pem' })
    .toString();

// Account A: the single-account variables (the default account). Account B: PROVIDER_ACCOUNTS_FILE.
const TWILIO_A = { sid: accountSid(), token: secret() };
const TWILIO_B = { sid: accountSid(), token: secret(), previous: secret() };
const VONAGE_A = { applicationId: randomUUID(), secret: secret(), privateKey: rsaKey() };
const VONAGE_B = {
  applicationId: randomUUID(),
  apiKey: 'b0b1b2b3',
  secret: secret(),
  previous: secret(),
  privateKey: rsaKey(),
};
const GENERIC_B = { keyId: 'gw-b', secret: `whsec_${secret()}`, previous: `whsec_${secret()}` };
const TELNYX_B_CONNECTION = `conn-${randomBytes(4).toString('hex')}`;
const telnyxPrevious = generateKeyPairSync('ed25519');

function basic(sid: string, token: string): string {
  return `Basic ${Buffer.from(`${sid}:${token}`).toString('base64')}`;
}

/**
 * Several accounts per provider (PROVIDER_ACCOUNTS_FILE next to the single-account variables): each
 * webhook is checked with the secrets of the account it names, the contact keeps that account, and the
 * REST calls about the contact use that account's credentials and paths. Secrets rotate per account,
 * and the file is read again on SIGHUP.
 */
// Both databases: the contact's account is a column of its own (migration 1765800000000).
describe.each(['pglite', 'postgres'] as const)(
  'Provider accounts (%s): several per provider, each with its own secrets and REST credentials',
  (database) => {
    let service: TestService;
    let stub: RestStub;
    let accountsFile: string;
    let telnyxA: TelnyxClient;
    let telnyxB: TelnyxClient;
    const clients: OperatorClient[] = [];

    function writeAccounts(twilioB: { token: string; previous?: string } = TWILIO_B): void {
      writeFileSync(
        accountsFile,
        stringify({
          twilio: [
            {
              accountSid: TWILIO_B.sid,
              authToken: twilioB.token,
              ...(twilioB.previous ? { previousAuthToken: twilioB.previous } : {}),
            },
          ],
          vonage: [
            {
              applicationId: VONAGE_B.applicationId,
              apiKey: VONAGE_B.apiKey,
              signatureSecret: VONAGE_B.secret,
              previousSignatureSecret: VONAGE_B.previous,
              privateKey: VONAGE_B.privateKey,
              apiBaseUrl: `${stub.url}/vonage-b`,
            },
          ],
          telnyx: [
            {
              id: 'telnyx-b',
              connectionIds: [TELNYX_B_CONNECTION],
              publicKey: telnyxB.publicKey,
              previousPublicKey: telnyxPrevious.publicKey.export({ type: 'spki', format: 'pem' }).toString(),
              apiKey: 'KEY_TELNYX_B',
              apiBaseUrl: `${stub.url}/telnyx-b/v2`,
            },
          ],
          generic: [
            {
              keyId: GENERIC_B.keyId,
              secret: GENERIC_B.secret,
              previousSecret: GENERIC_B.previous,
              actionsUrl: `${stub.url}/gw-b/actions`,
            },
          ],
        }),
      );
    }

    beforeAll(async () => {
      stub = await new RestStub((request) => ({
        status: 200,
        body: request.path.startsWith('/twilio')
          ? { sid: request.path.match(/Calls\/(CA\w+)\.json/)?.[1] ?? 'CA0', status: 'in-progress' }
          : { data: { result: 'ok' } },
      })).start();
      telnyxA = new TelnyxClient('', stub.requests, '/telnyx-a/v2');
      telnyxB = new TelnyxClient('', stub.requests, '/telnyx-b/v2');
      accountsFile = join(mkdtempSync(join(tmpdir(), 'centralino-accounts-')), 'accounts.yaml');
      writeAccounts();
      service = await startTestService(database, {
        FRONT_OFFICE_CONFIG: FIXTURE,
        PUBLIC_BASE_URL,
        PROVIDER_ACCOUNTS_FILE: accountsFile,
        TWILIO_AUTH_TOKEN: TWILIO_A.token,
        TWILIO_ACCOUNT_SID: TWILIO_A.sid,
        TWILIO_API_BASE_URL: `${stub.url}/twilio`,
        VONAGE_SIGNATURE_SECRET: VONAGE_A.secret,
        VONAGE_APPLICATION_ID: VONAGE_A.applicationId,
        VONAGE_PRIVATE_KEY: VONAGE_A.privateKey.replace(/\n/g, '\\n'),
        VONAGE_API_BASE_URL: `${stub.url}/vonage-a`,
        TELNYX_PUBLIC_KEY: telnyxA.publicKey,
        TELNYX_API_KEY: 'KEY_TELNYX_A',
        TELNYX_API_BASE_URL: `${stub.url}/telnyx-a/v2`,
        GENERIC_ACTIONS_URL: `${stub.url}/gw-a/actions`,
      });
      telnyxA.serviceUrl = service.url;
      telnyxB.serviceUrl = service.url;
    }, 120_000);

    afterEach(async () => {
      while (clients.length) {
        const client = clients.pop()!;
        await client.send('state.set', { state: 'away', reason: 'test over' }).catch(() => undefined);
        client.close();
      }
    });

    afterAll(async () => {
      await service?.stop();
      await stub?.stop();
    });

    async function operator(username: string): Promise<OperatorClient> {
      const client = await OperatorClient.connect(service.url, username);
      clients.push(client);
      await client.available();
      return client;
    }

    /** The operator takes the next offer; returns its contact id. */
    async function accept(client: OperatorClient): Promise<string> {
      const offer = await client.next('offer');
      expect((await client.send('offer.accept', { offerId: offer.offerId })).ok).toBe(true);
      return offer.contactId;
    }

    /** After the call ended: wrap-up, then available again for the next test. */
    async function wrappedUp(client: OperatorClient): Promise<void> {
      const wrapUp = await client.next('operator.state', (state) => state.state === 'wrap_up');
      await client.next(
        'operator.state',
        (state) => state.state === 'available' && state.since >= wrapUp.since,
      );
    }

    const stored = (provider: string, externalId: string) =>
      service.running.app.get(ContactRepository).findByExternalId(provider, externalId);

    describe('Twilio: by AccountSid', () => {
      const twilio = () => new TwilioClient(service.url, PUBLIC_BASE_URL, TWILIO_A.token);
      const call = (sid: string) => ({
        CallSid: `CA${randomBytes(16).toString('hex')}`,
        AccountSid: sid,
        From: '+393331234567',
        To: '+390200000000',
        CallStatus: 'in-progress',
        Direction: 'inbound',
      });

      it("a call on account B is stored with B, and the operator's accept updates it through B's REST path and credentials", async () => {
        const anna = await operator('anna');
        const onB = call(TWILIO_B.sid);
        const greeted = await twilio().post('/webhooks/twilio/voice', onB, { token: TWILIO_B.token });
        expect(greeted.status).toBe(200);
        const queued = await twilio().post(
          '/webhooks/twilio/voice/gather',
          { ...onB, Digits: '1' },
          { token: TWILIO_B.token },
        );
        expect(queued.status).toBe(200);
        expect(queued.text).toMatch(/<Enqueue/);
        expect((await stored('twilio', onB.CallSid))?.providerAccount).toBe(TWILIO_B.sid);

        const contactId = await accept(anna);
        expect((await getContact(service.url, contactId)).state).toBe('connected');
        const update = await stub.next((request) => request.path.includes(onB.CallSid));
        expect(update.method).toBe('POST');
        expect(update.path).toBe(`/twilio/2010-04-01/Accounts/${TWILIO_B.sid}/Calls/${onB.CallSid}.json`);
        expect(update.headers.authorization).toBe(basic(TWILIO_B.sid, TWILIO_B.token));
        expect(new URLSearchParams(update.body).get('Twiml')).toMatch(/<Client>anna<\/Client>/);

        const ended = await twilio().post(
          '/webhooks/twilio/voice/status',
          { ...onB, CallStatus: 'completed' },
          { token: TWILIO_B.token },
        );
        expect(ended.status).toBe(200);
        await wrappedUp(anna);

        // A call on account A (the single-account variables) keeps using A.
        const onA = call(TWILIO_A.sid);
        await twilio().post('/webhooks/twilio/voice/gather', { ...onA, Digits: '1' });
        expect((await stored('twilio', onA.CallSid))?.providerAccount).toBe(TWILIO_A.sid);
        await accept(anna);
        const updateA = await stub.next((request) => request.path.includes(onA.CallSid));
        expect(updateA.path).toBe(`/twilio/2010-04-01/Accounts/${TWILIO_A.sid}/Calls/${onA.CallSid}.json`);
        expect(updateA.headers.authorization).toBe(basic(TWILIO_A.sid, TWILIO_A.token));
        await twilio().post('/webhooks/twilio/voice/status', { ...onA, CallStatus: 'completed' });
        await wrappedUp(anna);
      });

      it("refuses a request claiming one account but signed with the other's token, and an unknown account; stores nothing", async () => {
        const claimsB = call(TWILIO_B.sid);
        const signedByA = await twilio().post(
          '/webhooks/twilio/voice/gather',
          { ...claimsB, Digits: '1' },
          { token: TWILIO_A.token },
        );
        expect(signedByA.status).toBe(403);
        expect(signedByA.twiml).toMatchObject({ statusCode: 403, error: 'signature_invalid' });
        const claimsA = call(TWILIO_A.sid);
        const signedByB = await twilio().post(
          '/webhooks/twilio/voice/gather',
          { ...claimsA, Digits: '1' },
          { token: TWILIO_B.token },
        );
        expect(signedByB.status).toBe(403);
        expect(signedByB.twiml).toMatchObject({ error: 'signature_invalid' });
        const unknown = call(accountSid());
        const refused = await twilio().post('/webhooks/twilio/voice/gather', { ...unknown, Digits: '1' });
        expect(refused.status).toBe(403);
        expect(refused.twiml).toMatchObject({ error: 'signature_account_unknown' });
        expect(refused.twiml.message).toContain(unknown.AccountSid);
        for (const sid of [claimsB.CallSid, claimsA.CallSid, unknown.CallSid]) {
          expect(await stored('twilio', sid)).toBeNull();
        }
      });

      it("rotation: account B's current and previous tokens are both accepted, an unrelated one refused", async () => {
        for (const token of [TWILIO_B.token, TWILIO_B.previous]) {
          const reply = await twilio().post('/webhooks/twilio/voice', call(TWILIO_B.sid), { token });
          expect(reply.status).toBe(200);
          expect(reply.text).toMatch(/<Gather/);
        }
        const refused = await twilio().post('/webhooks/twilio/voice', call(TWILIO_B.sid), {
          token: secret(),
        });
        expect(refused.status).toBe(403);
        expect(refused.twiml).toMatchObject({ error: 'signature_invalid' });
        // A's token has no previous one: B's previous is not A's.
        const notA = await twilio().post('/webhooks/twilio/voice', call(TWILIO_A.sid), {
          token: TWILIO_B.previous,
        });
        expect(notA.status).toBe(403);
      });
    });

    describe('Vonage: by the application_id claim', () => {
      const onB = () =>
        new VonageClient(service.url, VONAGE_B.secret, VONAGE_B.applicationId, VONAGE_B.apiKey);
      const newCall = () => ({
        uuid: randomUUID(),
        conversation_uuid: `CON-${randomUUID()}`,
        from: '393331234567',
        to: '390200000000',
      });
      const input = (call: ReturnType<typeof newCall>, digits: string) => ({
        ...call,
        dtmf: { digits, timed_out: false },
        speech: { timeout_reason: 'start_timeout' },
        timestamp: new Date().toISOString(),
      });

      it("a call on application B is stored with B, and the accept transfers it with B's application JWT at B's API", async () => {
        const bruno = await operator('bruno');
        const call = newCall();
        expect((await onB().answer(call)).status).toBe(200);
        const queued = await onB().post('input', input(call, '2'));
        expect(queued.status).toBe(200);
        expect((await stored('vonage', call.uuid))?.providerAccount).toBe(VONAGE_B.applicationId);

        await accept(bruno);
        const transfer = await stub.next((request) => request.path === `/vonage-b/v1/calls/${call.uuid}`);
        expect(transfer.method).toBe('PUT');
        const token = /^Bearer (.+)$/.exec(transfer.headers.authorization ?? '')![1]!;
        // Signed with B's private key (verifies with B's public key only) and naming B's application.
        const publicOf = (pem: string) =>
          createPublicKey(pem).export({ type: 'spki', format: 'pem' }).toString();
        const claims = new JwtService().verify<Record<string, unknown>>(token, {
          publicKey: publicOf(VONAGE_B.privateKey),
          algorithms: ['RS256'],
        });
        expect(claims.application_id).toBe(VONAGE_B.applicationId);
        expect(() =>
          new JwtService().verify(token, { publicKey: publicOf(VONAGE_A.privateKey), algorithms: ['RS256'] }),
        ).toThrow();
        expect(JSON.parse(transfer.body)).toMatchObject({ action: 'transfer' });

        const ended = await onB().post('event', {
          ...call,
          status: 'completed',
          direction: 'inbound',
          timestamp: new Date().toISOString(),
        });
        expect(ended.status).toBe(200);
        await wrappedUp(bruno);
      });

      it("refuses a callback claiming application B but signed with A's secret, an api_key that is not B's, and an unknown application", async () => {
        const call = newCall();
        const signedByA = await onB().post('input', input(call, '2'), { secret: VONAGE_A.secret });
        expect(signedByA).toMatchObject({
          status: 403,
          body: { statusCode: 403, error: 'signature_invalid' },
        });
        const otherKey = new VonageClient(service.url, VONAGE_B.secret, VONAGE_B.applicationId, 'ffff0000');
        expect(await otherKey.post('input', input(call, '2'))).toMatchObject({
          status: 403,
          body: { error: 'signature_account_unknown' },
        });
        const unknown = new VonageClient(service.url, VONAGE_B.secret, randomUUID(), VONAGE_B.apiKey);
        expect(await unknown.post('input', input(call, '2'))).toMatchObject({
          status: 403,
          body: { error: 'signature_account_unknown' },
        });
        expect(await stored('vonage', call.uuid)).toBeNull();
      });

      it("rotation: application B's current and previous secrets are both accepted, an unrelated one refused", async () => {
        for (const key of [VONAGE_B.secret, VONAGE_B.previous]) {
          const client = new VonageClient(service.url, key, VONAGE_B.applicationId, VONAGE_B.apiKey);
          expect((await client.answer(newCall())).status).toBe(200);
        }
        const refused = new VonageClient(service.url, secret(), VONAGE_B.applicationId, VONAGE_B.apiKey);
        expect(await refused.answer(newCall())).toMatchObject({
          status: 403,
          body: { error: 'signature_invalid' },
        });
      });
    });

    describe('Telnyx: by connection and key', () => {
      it("a call on account B is answered, queued and transferred with B's API key at B's API", async () => {
        const anna = await operator('anna');
        const call = { ...TelnyxClient.call(), connection_id: TELNYX_B_CONNECTION };
        await telnyxB.send('call.initiated', call);
        const [answer] = await telnyxB.commandsAtLeast(call, 1);
        expect(answer!.action).toBe('answer');
        const answered = stub.requests.find((request) =>
          request.path.startsWith(`/telnyx-b/v2/calls/${encodeURIComponent(call.call_control_id)}/`),
        )!;
        expect(answered.headers.authorization).toBe('Bearer KEY_TELNYX_B');
        // Nothing of this call went to account A's API.
        expect(telnyxA.commands(call)).toEqual([]);

        await telnyxB.send('call.gather.ended', call, { digits: '1', status: 'valid' });
        const contactId = await accept(anna);
        expect((await stored('telnyx', call.call_control_id))?.providerAccount).toBe('telnyx-b');
        // The transfer to the operator goes to B's API (whatever else was said while queuing).
        const transfer = await stub.next((request: RecordedRequest) =>
          request.path.endsWith(`/calls/${encodeURIComponent(call.call_control_id)}/actions/transfer`),
        );
        expect(transfer.path).toBe(
          `/telnyx-b/v2/calls/${encodeURIComponent(call.call_control_id)}/actions/transfer`,
        );
        expect(JSON.parse(transfer.body)).toMatchObject({ to: 'sip:anna@sip.telnyx.com' });
        expect(transfer.headers.authorization).toBe('Bearer KEY_TELNYX_B');
        expect(JSON.parse(transfer.body).command_id).toBe(`accept-${contactId}:0:transfer`);
        expect(telnyxA.commands(call)).toEqual([]);

        await telnyxB.send('call.hangup', call, { hangup_cause: 'normal_clearing' });
        await wrappedUp(anna);
      });

      it("refuses an event of B's connection signed with A's key; accepts B's previous key; an unknown connection is checked with the others' keys", async () => {
        const call = { ...TelnyxClient.call(), connection_id: TELNYX_B_CONNECTION };
        const signedByA = await telnyxA.post(TelnyxClient.event('call.initiated', call));
        expect(signedByA).toMatchObject({ status: 403, body: { error: 'signature_invalid' } });
        const previous = await telnyxB.post(TelnyxClient.event('call.initiated', call), {
          key: telnyxPrevious.privateKey,
        });
        expect(previous.status).toBe(200);
        const unrelated = await telnyxB.post(TelnyxClient.event('call.initiated', call), {
          key: generateKeyPairSync('ed25519').privateKey,
        });
        expect(unrelated).toMatchObject({ status: 403, body: { error: 'signature_invalid' } });
        // A connection no account lists: only the accounts that list none (A) may have signed it.
        const elsewhere = { ...TelnyxClient.call(), connection_id: 'conn-unlisted' };
        expect(await telnyxB.post(TelnyxClient.event('call.initiated', elsewhere))).toMatchObject({
          status: 403,
          body: { error: 'signature_invalid' },
        });
        expect((await telnyxA.post(TelnyxClient.event('call.initiated', elsewhere))).status).toBe(200);
        await telnyxA.commandsAtLeast(elsewhere, 1);
      });
    });

    describe('generic: by Webhook-Key-Id, or by the secret that matches', () => {
      const started = () => callStarted({ digits: '1', language: 'it' });
      async function post(event: unknown, secretUsed: string, keyId?: string) {
        const raw = JSON.stringify(event);
        const response = await fetch(`${service.url}/webhooks/generic`, {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            'webhook-signature': GenericSignatureVerifier.header(secretUsed, raw),
            ...(keyId ? { 'webhook-key-id': keyId } : {}),
          },
          body: raw,
        });
        return { status: response.status, body: (await response.json()) as Record<string, unknown> };
      }

      it("a call from gateway B is stored with B, and the accept is pushed to B's actions URL signed with B's secret", async () => {
        const anna = await operator('anna');
        const call = started();
        const reply = await post(call, GENERIC_B.secret, GENERIC_B.keyId);
        expect(reply).toMatchObject({ status: 200, body: { state: 'queued' } });
        expect((await stored('generic', call.callId))?.providerAccount).toBe(GENERIC_B.keyId);

        await accept(anna);
        const pushed = await stub.next((request) => request.path === '/gw-b/actions');
        expect(JSON.parse(pushed.body)).toMatchObject({ callId: call.callId, state: 'connected' });
        const signature = pushed.headers['webhook-signature'] as string;
        expect(() =>
          new GenericSignatureVerifier([GENERIC_B.secret], 300).verify(signature, Buffer.from(pushed.body)),
        ).not.toThrow();
        expect(() =>
          new GenericSignatureVerifier([TEST_WEBHOOK_SECRET], 300).verify(
            signature,
            Buffer.from(pushed.body),
          ),
        ).toThrow();
        expect(stub.requests.some((request) => request.path === '/gw-a/actions')).toBe(false);

        // Gateway A cannot read gateway B's calls.
        const path = `/webhooks/generic/calls/${encodeURIComponent(call.callId)}/actions`;
        const asA = await fetch(`${service.url}${path}`, {
          headers: { 'webhook-signature': GenericSignatureVerifier.header(TEST_WEBHOOK_SECRET, path) },
        });
        expect(asA.status).toBe(404);
        const asB = await fetch(`${service.url}${path}`, {
          headers: { 'webhook-signature': GenericSignatureVerifier.header(GENERIC_B.secret, path) },
        });
        expect(asB.status).toBe(200);

        const ended = await post(
          { id: `evt_${randomUUID()}`, type: 'call.ended', callId: call.callId, reason: 'completed' },
          GENERIC_B.secret,
        );
        expect(ended.status).toBe(200);
        await wrappedUp(anna);
      });

      it("refuses a key id signed with another gateway's secret and an unknown key id; without a key id, the matching secret names the gateway (previous secrets too)", async () => {
        const wrong = started();
        expect(await post(wrong, TEST_WEBHOOK_SECRET, GENERIC_B.keyId)).toMatchObject({
          status: 403,
          body: { error: 'signature_invalid' },
        });
        expect(await post(wrong, GENERIC_B.secret, 'gw-unknown')).toMatchObject({
          status: 403,
          body: { error: 'signature_account_unknown' },
        });
        expect(await post(wrong, secret())).toMatchObject({
          status: 403,
          body: { error: 'signature_invalid' },
        });
        expect(await stored('generic', wrong.callId)).toBeNull();

        const rotated = started();
        expect((await post(rotated, GENERIC_B.previous)).status).toBe(200);
        expect((await stored('generic', rotated.callId))?.providerAccount).toBe(GENERIC_B.keyId);
        const onA = started();
        expect((await postGenericWebhook(service.url, onA)).status).toBe(200);
        expect((await stored('generic', onA.callId))?.providerAccount).toBe('default');
      });
    });

    /**
     * Follow-up webhooks of a known call (status, hang-up, input, callback reports, further messages)
     * must come from the call's own account: another account's valid signature gets
     * `403 signature_account_mismatch` and changes nothing; the call's account goes on as before.
     */
    describe("follow-ups signed by another account than the call's", () => {
      const MISMATCH = 'signature_account_mismatch';

      /** The contact as stored: state, account and every event, to show a refusal changed nothing. */
      async function snapshot(provider: string, externalId: string) {
        const contact = await stored(provider, externalId);
        expect(contact).not.toBeNull();
        const events = await service.running.app.get(ContactRepository).events(contact!.id);
        return { id: contact!.id, state: contact!.state, providerAccount: contact!.providerAccount, events };
      }

      /** Refusals counted as signature failures with reason `account_mismatch`. */
      async function mismatches(provider: string): Promise<number> {
        return (await Scrape.from(service.url)).value('centralino_webhook_signature_failures_total', {
          provider,
          reason: 'account_mismatch',
        });
      }

      /** A contact from before accounts were stored (provider_account NULL): the default account's. */
      async function forgetAccount(contactId: string): Promise<void> {
        await service.running.app
          .get(DatabaseService)
          .transaction((manager) =>
            manager.query(`UPDATE contacts SET provider_account = NULL WHERE id = $1`, [contactId]),
          );
      }

      it("Twilio voice: status, queue-result, gather, wait, callback, callback-status, dial-result and message of A's call signed by B are refused; A's still work", async () => {
        const twilio = new TwilioClient(service.url, PUBLIC_BASE_URL, TWILIO_A.token);
        const onA = {
          CallSid: `CA${randomBytes(16).toString('hex')}`,
          AccountSid: TWILIO_A.sid,
          From: '+393331234567',
          To: '+390200000000',
          CallStatus: 'in-progress',
        };
        const queued = await twilio.post('/webhooks/twilio/voice/gather', { ...onA, Digits: '1' });
        expect(queued.status).toBe(200);
        expect(queued.text).toMatch(/<Enqueue/);
        const before = await snapshot('twilio', onA.CallSid);
        expect(before).toMatchObject({ state: 'queued', providerAccount: TWILIO_A.sid });
        const counted = await mismatches('twilio');

        // The same call, claiming and signed by account B (a valid signature of B).
        const asB = { ...onA, AccountSid: TWILIO_B.sid };
        const followUps: [string, Record<string, string>][] = [
          ['/webhooks/twilio/voice/status', { ...asB, CallStatus: 'completed' }],
          ['/webhooks/twilio/voice/queue-result', { ...asB, QueueResult: 'hangup', QueueTime: '5' }],
          ['/webhooks/twilio/voice/gather', { ...asB, Digits: '1' }],
          ['/webhooks/twilio/voice/gather?attempt=2', { ...asB, Digits: '2' }],
          ['/webhooks/twilio/voice/wait', asB],
          ['/webhooks/twilio/voice/callback', { ...asB, Digits: '9' }],
          [
            `/webhooks/twilio/voice/callback-status?contactId=${before.id}&attempt=1`,
            { ...asB, CallStatus: 'busy' },
          ],
          ['/webhooks/twilio/voice/dial-result', { ...asB, DialCallStatus: 'completed' }],
          ['/webhooks/twilio/voice/message?field=name', { ...asB, SpeechResult: 'Mario Rossi' }],
        ];
        for (const [path, params] of followUps) {
          const refused = await twilio.post(path, params, { token: TWILIO_B.token });
          expect({
            path,
            status: refused.status,
            error: refused.twiml.error,
            // The refusal does not tell B whose call it is.
            namesA: String(refused.twiml.message).includes(TWILIO_A.sid),
          }).toEqual({ path, status: 403, error: MISMATCH, namesA: false });
        }
        expect(await snapshot('twilio', onA.CallSid)).toEqual(before);
        expect((await mismatches('twilio')) - counted).toBe(followUps.length);

        // Account A's own follow-ups are answered as before (a retried gather, the hold loop, the end).
        const retried = await twilio.post('/webhooks/twilio/voice/gather', { ...onA, Digits: '1' });
        expect(retried.status).toBe(200);
        expect(retried.text).toMatch(/<Enqueue/);
        const waiting = await twilio.post('/webhooks/twilio/voice/wait', onA);
        expect(waiting.status).toBe(200);
        expect(waiting.text).toMatch(/<Say/);
        // A contact stored before accounts were (no account): the default account A's, not B's.
        await forgetAccount(before.id);
        const stillB = await twilio.post(
          '/webhooks/twilio/voice/status',
          { ...asB, CallStatus: 'completed' },
          { token: TWILIO_B.token },
        );
        expect(stillB).toMatchObject({ status: 403, twiml: { error: MISMATCH } });
        expect((await stored('twilio', onA.CallSid))?.state).toBe('queued');
        const ended = await twilio.post('/webhooks/twilio/voice/status', { ...onA, CallStatus: 'completed' });
        expect(ended.status).toBe(200);
        expect((await stored('twilio', onA.CallSid))?.state).toBe('abandoned');
      });

      it("Twilio messaging: a text of A's open conversation, or a retried one, signed by B is refused; A's own goes on", async () => {
        const twilio = new TwilioClient(service.url, PUBLIC_BASE_URL, TWILIO_A.token);
        const sms = (
          accountSid: string,
          body: string,
          messageSid = `SM${randomBytes(16).toString('hex')}`,
        ) => ({
          MessageSid: messageSid,
          AccountSid: accountSid,
          From: `+39333${String(randomBytes(3).readUIntBE(0, 3)).padStart(7, '0')}`,
          To: '+390200000000',
          Body: body,
        });
        const first = sms(TWILIO_A.sid, '1');
        const opened = await twilio.post('/webhooks/twilio/messaging', first);
        expect(opened.status).toBe(200);
        const before = await snapshot('twilio', first.MessageSid);
        expect(before).toMatchObject({ state: 'queued', providerAccount: TWILIO_A.sid });
        const counted = await mismatches('twilio');

        const followUp = { ...sms(TWILIO_B.sid, 'ancora io'), From: first.From };
        const retried = { ...first, AccountSid: TWILIO_B.sid };
        for (const params of [followUp, retried]) {
          const refused = await twilio.post('/webhooks/twilio/messaging', params, { token: TWILIO_B.token });
          expect(refused).toMatchObject({ status: 403, twiml: { error: MISMATCH } });
        }
        expect(await snapshot('twilio', first.MessageSid)).toEqual(before);
        expect((await mismatches('twilio')) - counted).toBe(2);

        const own = await twilio.post('/webhooks/twilio/messaging', {
          ...followUp,
          AccountSid: TWILIO_A.sid,
        });
        expect(own.status).toBe(200);
        expect(TwilioClient.messages(own).join(' ')).toMatch(/attenda|hold/i);
        const again = await twilio.post('/webhooks/twilio/messaging', first);
        expect(again.status).toBe(200);
        expect((await stored('twilio', first.MessageSid))?.state).toBe('queued');

        // Once the conversation is over, a retried text still belongs to it (by its receipt), not to B.
        await service.running.app.get(ContactFlowService).end(before.id, 'expired');
        const ended = await snapshot('twilio', first.MessageSid);
        expect(ended.state).not.toBe('queued');
        const late = await twilio.post('/webhooks/twilio/messaging', retried, { token: TWILIO_B.token });
        expect(late).toMatchObject({ status: 403, twiml: { error: MISMATCH } });
        expect(await snapshot('twilio', first.MessageSid)).toEqual(ended);
        expect((await twilio.post('/webhooks/twilio/messaging', first)).status).toBe(200);
      });

      it("Vonage: event, input, message, operator-event, callback and callback-event of application A's call signed for B are refused; A's still work", async () => {
        const onA = new VonageClient(service.url, VONAGE_A.secret, VONAGE_A.applicationId);
        const onB = new VonageClient(service.url, VONAGE_B.secret, VONAGE_B.applicationId, VONAGE_B.apiKey);
        const call = {
          uuid: randomUUID(),
          conversation_uuid: `CON-${randomUUID()}`,
          from: '393331234567',
          to: '390200000000',
        };
        const input = (digits: string) => ({
          ...call,
          dtmf: { digits, timed_out: false },
          speech: { timeout_reason: 'start_timeout' },
          timestamp: new Date().toISOString(),
        });
        const event = (status: string) => ({
          ...call,
          status,
          direction: 'inbound',
          timestamp: new Date().toISOString(),
        });
        expect((await onA.post('input', input('2'))).status).toBe(200);
        const before = await snapshot('vonage', call.uuid);
        expect(before).toMatchObject({ state: 'queued', providerAccount: VONAGE_A.applicationId });
        const counted = await mismatches('vonage');

        const followUps: [string, unknown][] = [
          ['event', event('completed')],
          ['input', input('2')],
          ['input?attempt=2', input('1')],
          ['message?field=name', { ...call, speech: { results: [{ text: 'Mario Rossi' }] } }],
          ['operator-event', event('busy')],
          // The callback key loop, and the report of a callback's outbound call about A's contact.
          ['callback', input('9')],
          [`callback-event?contactId=${before.id}&attempt=1`, event('answered')],
        ];
        for (const [path, body] of followUps) {
          const refused = await onB.post(path, body);
          expect({ path, status: refused.status, error: refused.body.error }).toEqual({
            path,
            status: 403,
            error: MISMATCH,
          });
        }
        expect(await snapshot('vonage', call.uuid)).toEqual(before);
        expect((await mismatches('vonage')) - counted).toBe(followUps.length);

        const retried = await onA.post('input', input('2'));
        expect(retried.status).toBe(200);
        expect(JSON.stringify(retried.body)).toMatch(/talk|conversation/);
        expect((await onA.post('event', event('completed'))).status).toBe(200);
        expect((await stored('vonage', call.uuid))?.state).toBe('abandoned');
      });

      it("Telnyx: hangup, gather, transcription and speak events of account A's call, and callback events of its contact, signed with B's key are refused and send nothing; A's still work", async () => {
        const call = TelnyxClient.call();
        await telnyxA.send('call.initiated', call);
        await telnyxA.send('call.gather.ended', call, { digits: '1', status: 'valid' });
        const before = await snapshot('telnyx', call.call_control_id);
        expect(before).toMatchObject({ state: 'queued', providerAccount: 'default' });
        const counted = await mismatches('telnyx');

        // B's key verifies them (an event without a connection is checked with every account's keys).
        const events = [
          TelnyxClient.event('call.hangup', call, { hangup_cause: 'normal_clearing' }),
          TelnyxClient.event('call.gather.ended', call, { digits: '2', status: 'valid' }),
          TelnyxClient.event('call.transcription', call, {
            transcription_data: { transcript: 'fattura', is_final: true },
          }),
          TelnyxClient.event('call.speak.ended', call, {
            client_state: Buffer.from(`${before.id}:hangup`).toString('base64'),
          }),
          TelnyxClient.event(
            'call.hangup',
            { ...call },
            { hangup_cause: 'normal_clearing', connection_id: TELNYX_B_CONNECTION },
          ),
          // A callback's outbound call for A's contact (a call centralino does not know by its id yet),
          // reported by B: refused by the contact its client_state names.
          ...['call.answered', 'call.hangup'].map((type) =>
            TelnyxClient.event(type, TelnyxClient.call(), {
              direction: 'outgoing',
              hangup_cause: 'user_busy',
              client_state: Buffer.from(`${before.id}:outbound-1`).toString('base64'),
            }),
          ),
        ];
        for (const event of events) {
          const refused = await telnyxB.post(event);
          expect({ type: event.data.event_type, status: refused.status, error: refused.body.error }).toEqual({
            type: event.data.event_type,
            status: 403,
            error: MISMATCH,
          });
        }
        expect(await snapshot('telnyx', call.call_control_id)).toEqual(before);
        expect(telnyxB.commands(call)).toEqual([]);
        expect((await mismatches('telnyx')) - counted).toBe(events.length);

        // The same hang-up from A's key ends the call.
        expect((await telnyxA.post(events[0]!)).status).toBe(200);
        expect((await stored('telnyx', call.call_control_id))?.state).toBe('abandoned');
      });

      it("generic: call.ended, call.input, call.answered and a retried call.started of gateway A's call sent by gateway B are refused; A's still work", async () => {
        const call = callStarted({ digits: '1' });
        expect((await postGenericWebhook(service.url, call)).status).toBe(200);
        const before = await snapshot('generic', call.callId);
        expect(before).toMatchObject({ state: 'queued', providerAccount: 'default' });
        const counted = await mismatches('generic');

        const event = (type: string, extra: Record<string, unknown> = {}) => ({
          id: `evt_${randomUUID()}`,
          type,
          callId: call.callId,
          ...extra,
        });
        const followUps = [
          event('call.ended', { reason: 'hangup' }),
          event('call.input', { digits: '2' }),
          event('call.input', { field: 'name', speech: 'Mario Rossi' }),
          event('call.answered'),
          call,
        ];
        for (const followUp of followUps) {
          // With B's key id, and without one (B's secret then names gateway B).
          for (const keyId of [GENERIC_B.keyId, undefined]) {
            const raw = JSON.stringify(followUp);
            const response = await fetch(`${service.url}/webhooks/generic`, {
              method: 'POST',
              headers: {
                'content-type': 'application/json',
                'webhook-signature': GenericSignatureVerifier.header(GENERIC_B.secret, raw),
                ...(keyId ? { 'webhook-key-id': keyId } : {}),
              },
              body: raw,
            });
            const body = (await response.json()) as { error?: string };
            expect({ type: followUp.type, keyId, status: response.status, error: body.error }).toEqual({
              type: followUp.type,
              keyId,
              status: 403,
              error: MISMATCH,
            });
          }
        }
        expect(await snapshot('generic', call.callId)).toEqual(before);
        expect((await mismatches('generic')) - counted).toBe(followUps.length * 2);

        // Gateway A's own: the retried start, an input, and (as a contact without an account) the end.
        expect(await postGenericWebhook(service.url, call)).toMatchObject({
          status: 200,
          body: { duplicate: true, state: 'queued' },
        });
        expect((await postGenericWebhook(service.url, event('call.input', { digits: '2' }))).status).toBe(
          200,
        );
        await forgetAccount(before.id);
        expect(
          (await postGenericWebhook(service.url, event('call.ended', { reason: 'hangup' }))).status,
        ).toBe(200);
        expect((await stored('generic', call.callId))?.state).toBe('abandoned');
      });
    });

    it('SIGHUP reads the file again: a rotated token takes effect without a restart; an invalid file changes nothing', async () => {
      const twilio = new TwilioClient(service.url, PUBLIC_BASE_URL, TWILIO_B.token);
      const call = () => ({
        CallSid: `CA${randomBytes(16).toString('hex')}`,
        AccountSid: TWILIO_B.sid,
        From: '+393331234567',
        To: '+390200000000',
        CallStatus: 'ringing',
      });
      const status = async (token: string) =>
        (await twilio.post('/webhooks/twilio/voice', call(), { token })).status;
      const rotatedTo = secret();
      writeAccounts({ token: rotatedTo, previous: TWILIO_B.token });
      process.emit('SIGHUP');
      expect(await status(rotatedTo)).toBe(200);
      expect(await status(TWILIO_B.token)).toBe(200);
      expect(await status(TWILIO_B.previous)).toBe(403);

      writeFileSync(accountsFile, 'twilio: [{ accountSid: nope }]');
      process.emit('SIGHUP');
      expect(await status(rotatedTo)).toBe(200);

      writeAccounts();
      process.emit('SIGHUP');
      expect(await status(rotatedTo)).toBe(403);
      expect(await status(TWILIO_B.previous)).toBe(200);
    });
  },
);
