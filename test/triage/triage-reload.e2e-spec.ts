import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parse, stringify } from 'yaml';
import { OperatorClient } from '../support/operator-client';
import { startTestService, TestService } from '../support/test-service';
import { postGenericWebhook } from '../support/webhook-client';

const FIXTURE = resolve(__dirname, '../fixtures/front-office.triage.yaml');
const ADMIN_HASH =
  '$argon2id$v=19$m=19456,t=2,p=1$XnMUMl9HHAcfcunewFqMbw$2nSpGPLuae6rhVrczLEAuPRYHrbkDqf89nq8k7F4j2c';
// A word no example knows: where it goes shows which model answered.
const NEW_WORD = 'zorbulatore';

type FrontOffice = {
  triageExamplesFile: string;
  operators: Record<string, unknown>[];
  problemTypes: { id: string; examples?: Record<string, string[]> }[];
};

// The service trains triage at start-up: on a busy shared machine that takes a while.
const START_TIMEOUT_MS = 120_000;

describe('triage retrains on a config reload (admin endpoint, SIGHUP)', () => {
  let service: TestService;
  let file: string;
  let original: FrontOffice;

  /** Writes the front-office file the running service will read on its next reload. */
  function write(change: (config: FrontOffice) => void): void {
    const config = structuredClone(original);
    change(config);
    writeFileSync(file, stringify(config));
  }

  function teachNewWord(config: FrontOffice): void {
    const appointments = config.problemTypes.find((type) => type.id === 'appointments')!;
    appointments.examples = {
      ...appointments.examples,
      it: [
        ...(appointments.examples?.it ?? []),
        `vorrei prenotare lo ${NEW_WORD}`,
        `lo ${NEW_WORD} per martedì`,
        `devo fissare uno ${NEW_WORD}`,
        `uno ${NEW_WORD} per domani mattina`,
      ],
    };
  }

  async function queueOf(speech: string): Promise<unknown> {
    const reply = await postGenericWebhook(service.url, {
      id: `evt_${randomUUID()}`,
      type: 'call.started',
      callId: `call_${randomUUID()}`,
      from: '+393331234567',
      to: '+390200000000',
      speech,
    });
    expect(reply.status).toBe(200);
    return reply.body.queue;
  }

  async function retrain(username: string) {
    const { token } = await OperatorClient.login(service.url, username);
    const response = await fetch(`${service.url}/admin/triage/retrain`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}` },
    });
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  }

  beforeAll(async () => {
    original = parse(readFileSync(FIXTURE, 'utf8')) as FrontOffice;
    original.triageExamplesFile = resolve(__dirname, '../fixtures', original.triageExamplesFile);
    original.operators.push({
      username: 'root',
      displayName: 'Admin',
      role: 'admin',
      passwordHash: ADMIN_HASH,
      languages: ['it'],
      skills: {},
    });
    file = join(mkdtempSync(join(tmpdir(), 'centralino-reload-')), 'front-office.yaml');
    write(() => undefined);
    service = await startTestService('pglite', { FRONT_OFFICE_CONFIG: file });
  }, START_TIMEOUT_MS);

  afterAll(async () => {
    await service?.stop();
  });

  it('learns new examples through POST /admin/triage/retrain, for admins only', async () => {
    const sentence = `mi serve uno ${NEW_WORD} per giovedì`;
    expect(await queueOf(sentence)).not.toBe('appointments');
    write(teachNewWord);
    expect((await retrain('anna')).status).toBe(403);
    const retrained = await retrain('root');
    expect(retrained.status).toBe(200);
    expect(retrained.body).toMatchObject({ problemTypes: 8 });
    expect(retrained.body.examples as number).toBeGreaterThan(800);
    // "In seconds": the sample taxonomy retrains well under the 2 s start-up budget.
    expect(retrained.body.ms as number).toBeLessThan(10_000);
    expect(await queueOf(sentence)).toBe('appointments');
    write(() => undefined);
    expect((await retrain('root')).status).toBe(200);
    expect(await queueOf(sentence)).not.toBe('appointments');
  });

  it('keeps the running model when the file is invalid or changes the problem types', async () => {
    write(teachNewWord);
    expect((await retrain('root')).status).toBe(200);
    const sentence = `vorrei uno ${NEW_WORD} per lunedì`;
    expect(await queueOf(sentence)).toBe('appointments');

    writeFileSync(file, 'problemTypes: [this is: not valid');
    const broken = await retrain('root');
    expect(broken.status).toBe(400);
    expect(broken.body).toMatchObject({ error: 'validation_failed' });
    write((config) => {
      config.problemTypes = config.problemTypes.filter((type) => type.id !== 'general_info');
    });
    const removed = await retrain('root');
    expect(removed.status).toBe(400);
    expect(removed.body.message).toMatch(/problemTypes changed/);
    expect(await queueOf(sentence)).toBe('appointments');
  });

  it('retrains on SIGHUP without stopping the service', async () => {
    const sentence = `mi serve uno ${NEW_WORD} per venerdì`;
    write(() => undefined);
    expect((await retrain('root')).status).toBe(200);
    expect(await queueOf(sentence)).not.toBe('appointments');
    write(teachNewWord);
    process.kill(process.pid, 'SIGHUP');
    // Requests keep being answered while it retrains; the new model is in place within seconds.
    const deadline = Date.now() + 10_000;
    let queue = await queueOf(sentence);
    while (queue !== 'appointments' && Date.now() < deadline) {
      await new Promise((done) => setTimeout(done, 100));
      queue = await queueOf(sentence);
    }
    expect(queue).toBe('appointments');
  });
});
