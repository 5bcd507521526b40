import { generateKeyPairSync, KeyObject, randomBytes, randomUUID, sign } from 'node:crypto';
import { resolve } from 'node:path';
import { RestStub } from '../providers/rest-stub';
import { Scrape } from '../support/prometheus';
import { startTestService, TestService } from '../support/test-service';
import { TwilioClient } from '../support/twilio-client';
import { VonageClient } from '../support/vonage-client';

const PUBLIC_BASE_URL = 'https://centralino.example.com';
const FIXTURE = resolve(__dirname, '../fixtures/front-office.providers.yaml');
const secret = () => randomBytes(20).toString('hex');
const TWILIO = { current: secret(), previous: secret(), other: secret() };
const VONAGE = { current: secret(), previous: secret(), other: secret() };
const telnyxKey = () => generateKeyPairSync('ed25519');
const TELNYX = { current: telnyxKey(), previous: telnyxKey(), other: telnyxKey() };
const rawKey = (key: KeyObject) =>
  key.export({ type: 'spki', format: 'der' }).subarray(-32).toString('base64');

/**
 * Rotating a provider's webhook secret without downtime: while both the new and the previous secret
 * are configured, a webhook signed with either is accepted, and one signed with any other is refused.
 */
describe('Provider webhook secret rotation (Twilio, Vonage, Telnyx)', () => {
  let service: TestService;
  let stub: RestStub;

  beforeAll(async () => {
    stub = await new RestStub(() => ({ status: 200, body: { data: { result: 'ok' } } })).start();
    service = await startTestService('pglite', {
      FRONT_OFFICE_CONFIG: FIXTURE,
      PUBLIC_BASE_URL,
      TWILIO_AUTH_TOKEN: TWILIO.current,
      TWILIO_AUTH_TOKEN_PREVIOUS: TWILIO.previous,
      VONAGE_SIGNATURE_SECRET: VONAGE.current,
      VONAGE_SIGNATURE_SECRET_PREVIOUS: VONAGE.previous,
      TELNYX_PUBLIC_KEY: rawKey(TELNYX.current.publicKey),
      // The previous key as PEM: both forms are accepted, in either variable.
      TELNYX_PUBLIC_KEY_PREVIOUS: TELNYX.previous.publicKey
        .export({ type: 'spki', format: 'pem' })
        .toString(),
      TELNYX_API_KEY: `KEY${secret()}`,
      TELNYX_API_BASE_URL: `${stub.url}/v2`,
    });
  }, 120_000);

  afterAll(async () => {
    await service?.stop();
    await stub?.stop();
  });

  it('Twilio: a call signed with the current or the previous auth token is answered, any other refused', async () => {
    const twilio = new TwilioClient(service.url, PUBLIC_BASE_URL, TWILIO.current);
    const call = () => ({
      CallSid: `CA${randomBytes(16).toString('hex')}`,
      AccountSid: `AC${randomBytes(16).toString('hex')}`,
      From: '+393331234567',
      To: '+390200000000',
      CallStatus: 'ringing',
      Direction: 'inbound',
    });
    for (const token of [TWILIO.current, TWILIO.previous]) {
      const reply = await twilio.post('/webhooks/twilio/voice', call(), { token });
      expect(reply.status).toBe(200);
      expect(reply.text).toMatch(/<Gather/);
    }
    const refused = await twilio.post('/webhooks/twilio/voice', call(), { token: TWILIO.other });
    expect(refused.status).toBe(403);
    expect(refused.twiml).toMatchObject({ error: 'signature_invalid' });
    const scrape = await Scrape.from(service.url);
    expect(scrape.value('centralino_webhooks_total', { provider: 'twilio', outcome: 'accepted' })).toBe(2);
    expect(
      scrape.value('centralino_webhooks_total', { provider: 'twilio', outcome: 'rejected_signature' }),
    ).toBe(1);
    expect(scrape.value('centralino_webhook_signature_failures_total', { provider: 'twilio' })).toBe(1);
  });

  it('Vonage: a callback signed with the current or the previous secret is answered, any other refused', async () => {
    const call = () => ({
      uuid: randomUUID(),
      conversation_uuid: `CON-${randomUUID()}`,
      from: '393331234567',
      to: '390200000000',
    });
    for (const key of [VONAGE.current, VONAGE.previous]) {
      const reply = await new VonageClient(service.url, key, randomUUID()).answer(call());
      expect(reply.status).toBe(200);
      expect(reply.body).toEqual(expect.arrayContaining([expect.objectContaining({ action: 'talk' })]));
    }
    const refused = await new VonageClient(service.url, VONAGE.other, randomUUID()).answer(call());
    expect(refused.status).toBe(403);
    expect(refused.body).toMatchObject({ error: 'signature_invalid' });
    // Each delivery counted once, by outcome.
    const scrape = await Scrape.from(service.url);
    expect(scrape.value('centralino_webhooks_total', { provider: 'vonage', outcome: 'accepted' })).toBe(2);
    expect(
      scrape.value('centralino_webhooks_total', { provider: 'vonage', outcome: 'rejected_signature' }),
    ).toBe(1);
    expect(
      scrape.value('centralino_webhook_signature_failures_total', { provider: 'vonage', reason: 'invalid' }),
    ).toBe(1);
  });

  it('Telnyx: an event signed with the current or the previous key is accepted, any other refused', async () => {
    const post = async (privateKey: KeyObject) => {
      const callControlId = `v3:${randomBytes(12).toString('base64url')}`;
      const body = JSON.stringify({
        data: {
          id: randomUUID(),
          event_type: 'call.initiated',
          occurred_at: new Date().toISOString(),
          record_type: 'event',
          payload: {
            call_control_id: callControlId,
            call_session_id: randomUUID(),
            from: '+393331234567',
            to: '+390200000000',
            direction: 'incoming',
          },
        },
      });
      const timestamp = String(Math.floor(Date.now() / 1000));
      const response = await fetch(`${service.url}/webhooks/telnyx/call-control`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'telnyx-timestamp': timestamp,
          'telnyx-signature-ed25519': sign(null, Buffer.from(`${timestamp}|${body}`), privateKey).toString(
            'base64',
          ),
        },
        body,
      });
      return {
        status: response.status,
        body: (await response.json()) as Record<string, unknown>,
        callControlId,
      };
    };
    for (const pair of [TELNYX.current, TELNYX.previous]) {
      const accepted = await post(pair.privateKey);
      expect(accepted.status).toBe(200);
      // The call was taken in: centralino answered it through the Call Control API.
      const answered = () =>
        stub.requests.some(
          (request) =>
            request.path === `/v2/calls/${encodeURIComponent(accepted.callControlId)}/actions/answer`,
        );
      for (let waited = 0; !answered() && waited < 10_000; waited += 50) {
        await new Promise((done) => setTimeout(done, 50));
      }
      expect(answered()).toBe(true);
    }
    const refused = await post(TELNYX.other.privateKey);
    expect(refused.status).toBe(403);
    expect(refused.body).toMatchObject({ error: 'signature_invalid' });
  });
});
