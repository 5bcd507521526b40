import { randomUUID } from 'node:crypto';
import { GenericSignatureVerifier } from '@centralino/intake';
import { OperatorClient } from '../support/operator-client';
import { startTestService, TEST_WEBHOOK_SECRET, TestService } from '../support/test-service';
import { postGenericWebhook } from '../support/webhook-client';
import { RestStub } from './rest-stub';

function started() {
  return {
    id: `evt_${randomUUID()}`,
    type: 'call.started',
    callId: `call_${randomUUID()}`,
    from: '+393331234567',
    to: '+390200000000',
    digits: '1',
    language: 'it',
  };
}

// The service trains triage at start-up: on a busy shared machine that takes a while.
const START_TIMEOUT_MS = 120_000;

describe('generic webhook: actions for gateways driven by commands', () => {
  let service: TestService;
  let gateway: RestStub;
  const clients: OperatorClient[] = [];

  beforeAll(async () => {
    gateway = await new RestStub().start();
    service = await startTestService('pglite', { GENERIC_ACTIONS_URL: `${gateway.url}/centralino/actions` });
  }, START_TIMEOUT_MS);

  afterEach(async () => {
    while (clients.length) {
      const client = clients.pop()!;
      await client.send('state.set', { state: 'away', reason: 'test over' }).catch(() => undefined);
      client.close();
    }
  });

  afterAll(async () => {
    await service?.stop();
    await gateway?.stop();
  });

  /** GET the current actions of a call, signed over the path as the docs say. */
  async function actions(callId: string, options: { secret?: string; signature?: string | null } = {}) {
    const path = `/webhooks/generic/calls/${encodeURIComponent(callId)}/actions`;
    const headers: Record<string, string> = {};
    const signature =
      options.signature === undefined
        ? GenericSignatureVerifier.header(options.secret ?? TEST_WEBHOOK_SECRET, path)
        : options.signature;
    if (signature !== null) headers['webhook-signature'] = signature;
    const response = await fetch(`${service.url}${path}`, { headers });
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  }

  it('holds a waiting call, pushes a signed connect when an operator accepts, and hangs up when it is over', async () => {
    const call = started();
    const reply = await postGenericWebhook(service.url, call);
    expect(reply.body).toMatchObject({ state: 'queued', queue: 'billing' });
    const contactId = reply.body.contactId as string;

    const waiting = await actions(call.callId);
    expect(waiting.status).toBe(200);
    expect(waiting.body).toMatchObject({
      type: 'call.actions',
      callId: call.callId,
      contactId,
      state: 'queued',
    });
    expect(waiting.body.actions).toEqual([
      { type: 'say', text: expect.stringMatching(/^Lei è il primo in attesa\.$/), language: 'it' },
      { type: 'pause', seconds: 15 },
    ]);

    const anna = await OperatorClient.connect(service.url, 'anna');
    clients.push(anna);
    await anna.available();
    const offer = await anna.next('offer', (o) => o.contactId === contactId);
    await anna.send('offer.accept', { offerId: offer.offerId });

    // Pushed to the gateway, signed with the webhook secret, over the exact body it received.
    const pushed = await gateway.next((request) => request.path === '/centralino/actions');
    expect(pushed.method).toBe('POST');
    expect(() =>
      new GenericSignatureVerifier([TEST_WEBHOOK_SECRET], 300).verify(
        pushed.headers['webhook-signature'] as string,
        Buffer.from(pushed.body),
      ),
    ).not.toThrow();
    const connect = {
      type: 'connect',
      contactId,
      endpoint: expect.objectContaining({ kind: expect.any(String) }),
      timeoutSeconds: 30,
    };
    expect(JSON.parse(pushed.body)).toEqual({
      type: 'call.actions',
      callId: call.callId,
      contactId,
      state: 'connected',
      actions: [connect],
    });
    // The same, pulled.
    const connected = await actions(call.callId);
    expect(connected.body).toMatchObject({ state: 'connected', actions: [connect] });

    await postGenericWebhook(service.url, {
      id: `evt_${randomUUID()}`,
      type: 'call.ended',
      callId: call.callId,
      reason: 'completed',
    });
    const over = await actions(call.callId);
    expect(over.body).toMatchObject({ state: 'completed', actions: [{ type: 'hangup' }] });
  });

  it('answers 404 for an unknown call and 401/403 for a missing or forged signature', async () => {
    const unknown = await actions('call_never_seen');
    expect(unknown.status).toBe(404);
    expect(unknown.body).toMatchObject({ error: 'unknown_call' });
    const call = started();
    await postGenericWebhook(service.url, call);
    expect((await actions(call.callId, { signature: null })).status).toBe(401);
    const forged = await actions(call.callId, { secret: 'whsec_wrong_0000000000000000' });
    expect(forged.status).toBe(403);
    expect(forged.body).toMatchObject({ error: 'signature_invalid' });
    // A signature for another call's path does not open this one.
    const other = GenericSignatureVerifier.header(TEST_WEBHOOK_SECRET, '/webhooks/generic/calls/x/actions');
    expect((await actions(call.callId, { signature: other })).status).toBe(403);
  });
});
