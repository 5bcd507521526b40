import { startTestService, TestService } from '../support/test-service';

async function getJson(url: string) {
  const response = await fetch(url);
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

describe('health', () => {
  describe('all roles in one process', () => {
    let service: TestService;

    beforeAll(async () => {
      service = await startTestService('pglite');
    });

    afterAll(async () => {
      await service.stop();
    });

    it('is live, and the legacy /health still answers', async () => {
      await expect(getJson(`${service.url}/health/live`)).resolves.toEqual({
        status: 200,
        body: { status: 'ok' },
      });
      await expect(getJson(`${service.url}/health`)).resolves.toEqual({
        status: 200,
        body: { status: 'ok' },
      });
    });

    it('is ready when Redis, the database, the dispatcher, the timers and the deliveries workers are up', async () => {
      const ready = await getJson(`${service.url}/health/ready`);
      expect(ready.status).toBe(200);
      expect(ready.body).toMatchObject({
        status: 'ok',
        info: {
          shutdown: { status: 'up' },
          redis: { status: 'up' },
          database: { status: 'up', kind: 'pglite' },
          dispatcher: { status: 'up' },
          timers: { status: 'up' },
          deliveries: { status: 'up' },
        },
      });
    });
  });

  it('fails readiness (503) while draining on shutdown, and keeps serving until the drain is over', async () => {
    const service = await startTestService('pglite', { SHUTDOWN_DRAIN_MS: '1500' });
    expect((await getJson(`${service.url}/health/ready`)).status).toBe(200);

    const stopping = service.stop();
    const started = Date.now();
    let ready = await getJson(`${service.url}/health/ready`);
    while (ready.status === 200 && Date.now() - started < 1000) {
      await new Promise((resolve) => setTimeout(resolve, 20));
      ready = await getJson(`${service.url}/health/ready`);
    }
    expect(ready).toEqual({
      status: 503,
      body: {
        statusCode: 503,
        error: 'not_ready',
        message: 'centralino is shutting down',
        details: expect.objectContaining({
          details: expect.objectContaining({ shutdown: { status: 'down', message: 'draining' } }),
        }),
      },
    });
    // Still serving during the drain: liveness and the API answer.
    expect((await getJson(`${service.url}/health/live`)).status).toBe(200);
    await stopping;
    expect(Date.now() - started).toBeGreaterThanOrEqual(1400);
    await expect(fetch(`${service.url}/health/live`)).rejects.toThrow();
  });

  it('serves health and metrics from a worker-only process, without the public API', async () => {
    const service = await startTestService('postgres', { CENTRALINO_ROLES: 'worker' });
    try {
      const ready = await getJson(`${service.url}/health/ready`);
      expect(ready.status).toBe(200);
      expect(ready.body).toMatchObject({
        info: {
          redis: { status: 'up' },
          database: { status: 'up', kind: 'postgresql' },
          dispatcher: { status: 'up' },
          timers: { status: 'up' },
          deliveries: { status: 'up' },
        },
      });
      const metrics = await fetch(`${service.url}/metrics`);
      expect(metrics.status).toBe(200);
      expect(await metrics.text()).toMatch(/centralino_queue_length/);
      expect((await fetch(`${service.url}/auth/login`, { method: 'POST' })).status).toBe(404);
      expect((await fetch(`${service.url}/docs/json`)).status).toBe(404);
    } finally {
      await service.stop();
    }
  });

  it('in the http role alone, readiness does not check the worker', async () => {
    const service = await startTestService('postgres', { CENTRALINO_ROLES: 'http' });
    try {
      const ready = await getJson(`${service.url}/health/ready`);
      expect(ready.status).toBe(200);
      expect(Object.keys(ready.body.info as object).sort()).toEqual(['database', 'redis', 'shutdown']);
    } finally {
      await service.stop();
    }
  });
});
