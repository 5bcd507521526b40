import { startTestService, TEST_WEBHOOK_SECRET, TestService } from '../support/test-service';
import { postGenericWebhook } from '../support/webhook-client';

const NEW_SECRET = 'whsec_new_fedcba9876543210fedcba9876';

/** Rotating the generic webhook secret without downtime: both listed secrets are valid at once. */
describe('Generic webhook secret rotation', () => {
  let service: TestService;

  beforeAll(async () => {
    service = await startTestService('pglite', {
      GENERIC_WEBHOOK_SECRETS: `${TEST_WEBHOOK_SECRET},${NEW_SECRET}`,
    });
  }, 120_000);

  afterAll(async () => {
    await service.stop();
  });

  const call = (id: string) => ({
    id: `evt_${id}`,
    type: 'call.started',
    callId: `rot_${id}`,
    from: '+393331234567',
    to: '+390200000000',
    digits: '1',
  });

  it('accepts the old and the new secret while both are listed, and refuses any other', async () => {
    const old = await postGenericWebhook(service.url, call('old'), { secret: TEST_WEBHOOK_SECRET });
    expect(old.status).toBe(200);
    expect(old.body.state).toBe('queued');
    const fresh = await postGenericWebhook(service.url, call('new'), { secret: NEW_SECRET });
    expect(fresh.status).toBe(200);
    expect(fresh.body.state).toBe('queued');
    const other = await postGenericWebhook(service.url, call('other'), {
      secret: 'whsec_other_00000000000000000000000',
    });
    expect(other.status).toBe(403);
    expect(other.body.error).toBe('signature_invalid');
  });
});
