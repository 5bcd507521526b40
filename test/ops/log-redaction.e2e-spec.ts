import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { callEnded, callStarted } from '../support/calls';
import { getContact } from '../support/contacts-api';
import { OperatorClient } from '../support/operator-client';
import { startTestService, TEST_JWT_SECRET, TEST_WEBHOOK_SECRET, TestService } from '../support/test-service';
import { postGenericWebhook, postJson } from '../support/webhook-client';

describe('logs', () => {
  let service: TestService;
  let logDir: string;
  let logFile: string;

  beforeAll(async () => {
    logDir = mkdtempSync(join(tmpdir(), 'centralino-logs-'));
    logFile = join(logDir, 'centralino.log');
    service = await startTestService('pglite', { LOG_LEVEL: 'trace', LOG_FILE: logFile });
  });

  afterAll(async () => {
    await service.stop();
    rmSync(logDir, { recursive: true, force: true });
  });

  it('never contain secrets, tokens, passwords or caller numbers while a call flows', async () => {
    const wrongPassword = `pw-${randomBytes(8).toString('hex')}`;
    expect(
      (await postJson(service.url, '/auth/login', { username: 'anna', password: wrongPassword })).status,
    ).toBe(401);
    const { token } = await OperatorClient.login(service.url, 'anna');
    const session = await postJson(service.url, '/auth/login', { username: 'anna', password: 'centralino' });
    const refreshToken = session.body.refreshToken as string;
    const refreshed = await postJson(service.url, '/auth/refresh', { refreshToken });
    expect(refreshed.status).toBe(200);
    const anna = await OperatorClient.connect(service.url, 'anna');
    try {
      await anna.available();
      const call = callStarted({ digits: '1', from: '+393339876543', to: '+390212345678' });
      const started = await postGenericWebhook(service.url, call);
      const contactId = started.body.contactId as string;
      const offer = await anna.next('offer', (payload) => payload.contactId === contactId);
      expect((await anna.send('offer.accept', { offerId: offer.offerId })).ok).toBe(true);
      await postGenericWebhook(service.url, callEnded(call.callId, 'completed'));
      await postGenericWebhook(service.url, callStarted(), { secret: 'whsec_forged_secret_0123456789' });
      expect((await getContact(service.url, contactId)).state).toBe('completed');
      await fetch(`${service.url}/contacts/${contactId}`, { headers: { authorization: `Bearer ${token}` } });
      await anna.send('state.set', { state: 'away', reason: 'done' });
    } finally {
      anna.close();
    }

    const lines = readFileSync(logFile, 'utf8').trim().split('\n');
    // The logs are JSON and the call was logged, with the caller masked.
    expect(lines.length).toBeGreaterThan(10);
    const entries = lines.map((line) => JSON.parse(line) as Record<string, unknown>);
    const queued = entries.find((entry) => entry.msg === 'Contact queued');
    expect(queued).toMatchObject({ from: '+39***543' });

    const text = lines.join('\n');
    for (const secret of [
      TEST_WEBHOOK_SECRET,
      'whsec_forged_secret_0123456789',
      TEST_JWT_SECRET,
      token,
      token.split('.')[2],
      refreshToken,
      refreshed.body.refreshToken as string,
      refreshed.body.accessToken as string,
      wrongPassword,
      '"password":"centralino"',
      '+393339876543',
      '3339876543',
      '+390212345678',
      '0212345678',
    ]) {
      expect({ secret, leaked: text.includes(secret) }).toEqual({ secret, leaked: false });
    }
    // No webhook signature header value either.
    expect(text).not.toMatch(/v1=[A-Za-z0-9+/=]{20,}/);
  });
});
