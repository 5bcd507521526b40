import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parse, stringify } from 'yaml';
import { OperatorClient } from '../support/operator-client';
import { ServiceProcess } from '../support/service-process';
import { startTestService, TEST_JWT_SECRET, TEST_WEBHOOK_SECRET, TestService } from '../support/test-service';
import { postGenericWebhook } from '../support/webhook-client';

const FIXTURE = resolve(__dirname, '../fixtures/front-office.triage.yaml');
const ADMIN_HASH =
  '$argon2id$v=19$m=19456,t=2,p=1$XnMUMl9HHAcfcunewFqMbw$2nSpGPLuae6rhVrczLEAuPRYHrbkDqf89nq8k7F4j2c';
// A word no example knows: where it goes shows which model answered.
const NEW_WORD = 'zorbulatore';
// The service trains triage at start-up: on a busy shared machine that takes a while.
const START_TIMEOUT_MS = 120_000;

type FrontOffice = {
  triageExamplesFile: string;
  operators: Record<string, unknown>[];
  problemTypes: { id: string; examples?: Record<string, string[]> }[];
};

/** The triage fixture with an admin, as a file of its own that a test rewrites between reloads. */
class FrontOfficeFile {
  readonly dir = mkdtempSync(join(tmpdir(), 'centralino-reload-'));
  readonly path = join(this.dir, 'front-office.yaml');
  private readonly original: FrontOffice;

  constructor() {
    this.original = parse(readFileSync(FIXTURE, 'utf8')) as FrontOffice;
    this.original.triageExamplesFile = resolve(__dirname, '../fixtures', this.original.triageExamplesFile);
    this.original.operators.push({
      username: 'root',
      displayName: 'Admin',
      role: 'admin',
      passwordHash: ADMIN_HASH,
      languages: ['it'],
      skills: {},
    });
    this.write();
  }

  write(change: (config: FrontOffice) => void = () => undefined): void {
    const config = structuredClone(this.original);
    change(config);
    writeFileSync(this.path, stringify(config));
  }

  teachNewWord(): void {
    this.write((config) => {
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
    });
  }

  remove(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/** The queue a new call saying `speech` is put in (null while a clarifying question is asked). */
async function queueOf(url: string, speech: string): Promise<unknown> {
  const reply = await postGenericWebhook(url, {
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

describe('triage retrains on a config reload: POST /admin/triage/retrain', () => {
  let service: TestService;
  let file: FrontOfficeFile;

  async function retrain(username: string) {
    const { token } = await OperatorClient.login(service.url, username);
    const response = await fetch(`${service.url}/admin/triage/retrain`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}` },
    });
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  }

  beforeAll(async () => {
    file = new FrontOfficeFile();
    service = await startTestService('pglite', { FRONT_OFFICE_CONFIG: file.path });
  }, START_TIMEOUT_MS);

  afterAll(async () => {
    await service?.stop();
    file?.remove();
  });

  it('learns new examples, for admins only', async () => {
    const sentence = `mi serve uno ${NEW_WORD} per giovedì`;
    expect(await queueOf(service.url, sentence)).not.toBe('appointments');
    file.teachNewWord();
    expect((await retrain('anna')).status).toBe(403);
    const retrained = await retrain('root');
    expect(retrained.status).toBe(200);
    expect(retrained.body).toMatchObject({ problemTypes: 8 });
    expect(retrained.body.examples as number).toBeGreaterThan(800);
    expect(await queueOf(service.url, sentence)).toBe('appointments');
    file.write();
    expect((await retrain('root')).status).toBe(200);
    expect(await queueOf(service.url, sentence)).not.toBe('appointments');
  });

  it('keeps the running model when the file is invalid or changes the problem types', async () => {
    file.teachNewWord();
    expect((await retrain('root')).status).toBe(200);
    const sentence = `vorrei uno ${NEW_WORD} per lunedì`;
    expect(await queueOf(service.url, sentence)).toBe('appointments');

    writeFileSync(file.path, 'problemTypes: [this is: not valid');
    const broken = await retrain('root');
    expect(broken.status).toBe(400);
    expect(broken.body).toMatchObject({ error: 'validation_failed' });
    file.write((config) => {
      // A new problem type would need a new queue: a restart.
      const { digit: _digit, ...copy } = structuredClone(config.problemTypes[0]) as { digit?: string };
      config.problemTypes.push({ ...copy, id: 'legal' });
    });
    const removed = await retrain('root');
    expect(removed.status).toBe(400);
    expect(removed.body.message).toMatch(/problemTypes changed/);
    expect(await queueOf(service.url, sentence)).toBe('appointments');
  });
});

describe('triage retrains on a config reload: SIGHUP to a centralino process', () => {
  let service: ServiceProcess;
  let file: FrontOfficeFile;
  let dataDir: string;

  beforeAll(async () => {
    file = new FrontOfficeFile();
    dataDir = mkdtempSync(join(tmpdir(), 'centralino-sighup-'));
    service = await ServiceProcess.start(
      {
        NODE_ENV: 'test',
        PORT: '0',
        HOST: '127.0.0.1',
        DATA_DIR: dataDir,
        REDIS_URL: process.env.CENTRALINO_TEST_REDIS_URL!,
        REDIS_PREFIX: `t${randomBytes(5).toString('hex')}`,
        FRONT_OFFICE_CONFIG: file.path,
        JWT_SECRET: TEST_JWT_SECRET,
        GENERIC_WEBHOOK_SECRETS: TEST_WEBHOOK_SECRET,
        LOG_LEVEL: 'info',
      },
      START_TIMEOUT_MS,
    );
  }, START_TIMEOUT_MS + 5000);

  afterAll(async () => {
    await service?.stop();
    file?.remove();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('re-reads the file and retrains while it keeps answering', async () => {
    const url = service.url!;
    const sentence = `ho bisogno di uno ${NEW_WORD}`;
    expect(await queueOf(url, sentence)).not.toBe('appointments');
    file.teachNewWord();
    service.child.kill('SIGHUP');
    // Requests keep being answered while it retrains; the new model is in place within seconds.
    const deadline = Date.now() + 30_000;
    let queue = await queueOf(url, sentence);
    while (queue !== 'appointments' && Date.now() < deadline) {
      await new Promise((done) => setTimeout(done, 100));
      queue = await queueOf(url, sentence);
    }
    expect(queue).toBe('appointments');
    expect(service.alive).toBe(true);
    expect(service.logs.some((line) => line.msg === 'Triage classifier retrained')).toBe(true);
  });
});
