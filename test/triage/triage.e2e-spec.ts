import { randomUUID } from 'node:crypto';
import { resolve } from 'node:path';
import { getContact } from '../support/contacts-api';
import { OperatorClient } from '../support/operator-client';
import { startTestService, TestService } from '../support/test-service';
import { postGenericWebhook } from '../support/webhook-client';

// The sample taxonomy with its it/en/es/ro examples, trained when the service starts.
const TRIAGE_FRONT_OFFICE = resolve(__dirname, '../fixtures/front-office.triage.yaml');

function started(overrides: Record<string, unknown> = {}) {
  return {
    id: `evt_${randomUUID()}`,
    type: 'call.started',
    callId: `call_${randomUUID()}`,
    from: '+393331234567',
    to: '+390200000000',
    ...overrides,
  };
}

function input(callId: string, overrides: Record<string, unknown> = {}) {
  return { id: `evt_${randomUUID()}`, type: 'call.input', callId, ...overrides };
}

function ended(callId: string) {
  return { id: `evt_${randomUUID()}`, type: 'call.ended', callId, reason: 'hangup' };
}

interface TriageView {
  source: string;
  confidence: number;
  reasons: string[];
  decision?: string;
  clarifications?: number;
  bestGuess?: { problemType: string; confidence: number };
  directoryTarget?: { id: string; name: string; kind: string; phone?: string };
}

describe('triage through the generic webhook', () => {
  let service: TestService;
  const clients: OperatorClient[] = [];

  beforeAll(async () => {
    service = await startTestService('pglite', { FRONT_OFFICE_CONFIG: TRIAGE_FRONT_OFFICE });
    // Start-up trains the sample taxonomy (~1,700 examples): allow for a loaded 2-core machine.
  }, 120_000);

  afterEach(async () => {
    while (clients.length) {
      const client = clients.pop()!;
      await client.send('state.set', { state: 'away', reason: 'test over' }).catch(() => undefined);
      client.close();
    }
  });

  afterAll(async () => {
    await service.stop();
  });

  async function operator(username: string): Promise<OperatorClient> {
    const client = await OperatorClient.connect(service.url, username);
    clients.push(client);
    await client.available();
    return client;
  }

  async function triageOf(contactId: string) {
    const contact = await getContact(service.url, contactId);
    return { contact, triage: (contact as unknown as { triage: TriageView }).triage };
  }

  it('queues an Italian request to its queue with the language detected and the reasons recorded', async () => {
    const call = started({ speech: 'Buongiorno, ho un problema con la fattura di marzo' });
    const reply = await postGenericWebhook(service.url, call);
    expect(reply.status).toBe(200);
    expect(reply.body).toMatchObject({ state: 'queued', queue: 'billing', language: 'it', duplicate: false });
    expect(reply.body.actions).toEqual([
      { type: 'say', text: 'Grazie, attenda in linea.', language: 'it' },
      expect.objectContaining({ type: 'enqueue', queue: 'billing', position: 1 }),
    ]);
    const { contact, triage } = await triageOf(reply.body.contactId as string);
    expect((contact as unknown as { language: string }).language).toBe('it');
    expect(triage).toMatchObject({ source: 'text', decision: 'queue' });
    expect(triage.confidence).toBeGreaterThanOrEqual(0.5);
    expect(triage.reasons.length).toBeGreaterThan(0);
    expect(contact.events.map((event) => event.type)).toEqual(['received', 'triaged', 'queued']);
    await postGenericWebhook(service.url, ended(call.callId));
  });

  it('queues a Romanian request to its queue and offers it first to the operator who speaks Romanian', async () => {
    const anna = await operator('anna'); // idle the longest, better skill, but no Romanian
    const ion = await operator('ion');
    const call = started({ speech: 'Bună ziua, nu mi-a sosit coletul comandat săptămâna trecută' });
    const reply = await postGenericWebhook(service.url, call);
    expect(reply.body).toMatchObject({ state: 'queued', queue: 'orders', language: 'ro' });
    expect(reply.body.actions).toEqual(
      expect.arrayContaining([{ type: 'say', text: 'Vă mulțumim, rămâneți la telefon.', language: 'ro' }]),
    );
    const contactId = reply.body.contactId as string;
    await expect(ion.next('offer', (offer) => offer.contactId === contactId)).resolves.toMatchObject({
      queue: 'orders',
      language: 'ro',
    });
    await expect(anna.quietFor('offer', 500)).resolves.toBe(true);
    await postGenericWebhook(service.url, ended(call.callId));
  });

  it('asks a vague caller a clarifying question in their language, then queues the clear answer', async () => {
    const call = started({ speech: 'salve, buongiorno' });
    const first = await postGenericWebhook(service.url, call);
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ state: 'received', queue: null, language: 'it', duplicate: false });
    const actions = first.body.actions as {
      type: string;
      prompt: string;
      language: string;
      options: unknown[];
    }[];
    expect(actions).toHaveLength(1);
    expect(actions[0]).toMatchObject({ type: 'gather', language: 'it' });
    expect(actions[0].prompt).toMatch(/^Può dirmi qualcosa in più\? Per esempio: .+\.$/);
    expect(actions[0].options.length).toBeGreaterThan(0);
    expect(actions[0].options[0]).toEqual({ problemType: expect.any(String), label: expect.any(String) });
    const contactId = first.body.contactId as string;

    // A retried delivery gets the same question, and nothing is queued meanwhile.
    const retried = await postGenericWebhook(service.url, call);
    expect(retried.body).toMatchObject({ contactId, state: 'received', duplicate: true });
    expect(retried.body.actions).toEqual(first.body.actions);

    const answer = input(call.callId, { speech: 'è per la bolletta della luce, mi sembra troppo alta' });
    const second = await postGenericWebhook(service.url, answer);
    expect(second.body).toMatchObject({ contactId, state: 'queued', queue: 'billing', language: 'it' });
    expect(second.body.actions).toEqual(
      expect.arrayContaining([expect.objectContaining({ type: 'enqueue', queue: 'billing' })]),
    );
    // The answer delivered again changes nothing.
    const again = await postGenericWebhook(service.url, answer);
    expect(again.body).toMatchObject({ contactId, state: 'queued', queue: 'billing', duplicate: true });

    const { contact, triage } = await triageOf(contactId);
    expect(contact.events.map((event) => event.type)).toEqual([
      'received',
      'clarifying',
      'triaged',
      'queued',
    ]);
    expect(contact.events[1].data).toMatchObject({ utterance: 'salve, buongiorno' });
    expect(triage).toMatchObject({ decision: 'queue', clarifications: 1 });
    await postGenericWebhook(service.url, ended(call.callId));
  });

  it('sends a caller who stays vague to reception with the best guess after two questions', async () => {
    const call = started({ speech: 'salve, buongiorno', language: 'it' });
    const first = await postGenericWebhook(service.url, call);
    expect(first.body).toMatchObject({
      state: 'received',
      actions: [expect.objectContaining({ type: 'gather' })],
    });
    const contactId = first.body.contactId as string;

    const second = await postGenericWebhook(service.url, input(call.callId, { speech: 'ehm, allora, sì' }));
    expect(second.body).toMatchObject({
      contactId,
      state: 'received',
      actions: [expect.objectContaining({ type: 'gather', language: 'it' })],
    });

    const third = await postGenericWebhook(service.url, input(call.callId, { speech: 'ho un problema' }));
    expect(third.body).toMatchObject({ contactId, state: 'queued', queue: 'reception' });
    expect(third.body.actions).toEqual(
      expect.arrayContaining([expect.objectContaining({ type: 'enqueue', queue: 'reception' })]),
    );

    const { contact, triage } = await triageOf(contactId);
    expect(contact.events.map((event) => event.type)).toEqual([
      'received',
      'clarifying',
      'clarifying',
      'triaged',
      'queued',
    ]);
    expect(triage).toMatchObject({ source: 'fallback', clarifications: 2 });
    expect(triage.reasons).toContain('still unclear after 2 clarifying questions');
    expect(triage.reasons.at(-1)).toMatch(/^best guess: [a-z_]+ \(0\.\d\d\)$/);
    expect(triage.bestGuess).toBeDefined();
    await postGenericWebhook(service.url, ended(call.callId));
  });

  it.each([
    ["vorrei parlare con l'amministrazione", 'accounting', 'Amministrazione', 'department'],
    ['accounting, please', 'accounting', 'Amministrazione', 'department'],
    ['passami Maria Rossi', 'maria-rossi', 'Maria Rossi', 'person'],
  ])('puts %j through to the directory entry asked for', async (speech, id, name, kind) => {
    const call = started({ speech });
    const reply = await postGenericWebhook(service.url, call);
    // The entry has a phone, so the caller is transferred to it (not queued): see docs/providers.
    expect(reply.body).toMatchObject({
      state: 'transferred',
      actions: expect.arrayContaining([expect.objectContaining({ type: 'transfer' })]),
      directoryTarget: { id, name, kind, phone: expect.stringMatching(/^\+39/) },
    });
    const { triage } = await triageOf(reply.body.contactId as string);
    expect(triage).toMatchObject({
      decision: 'directory',
      reasons: [`asked for ${name}`],
      directoryTarget: { id, name },
    });
    await postGenericWebhook(service.url, ended(call.callId));
  });

  it('lets a key press win, refuses input for an unknown call, and ends a caller who hangs up while asked', async () => {
    const pressed = started({ speech: 'salve, buongiorno', digits: '4' });
    expect((await postGenericWebhook(service.url, pressed)).body).toMatchObject({
      state: 'queued',
      queue: 'orders',
    });
    await postGenericWebhook(service.url, ended(pressed.callId));

    const unknown = await postGenericWebhook(
      service.url,
      input(`call_${randomUUID()}`, { speech: 'fattura' }),
    );
    expect(unknown).toMatchObject({ status: 404, body: { error: 'unknown_call' } });

    const vague = started({ speech: '🙂🙂' });
    const asked = await postGenericWebhook(service.url, vague);
    expect(asked.body).toMatchObject({ state: 'received' });
    const hungUp = await postGenericWebhook(service.url, ended(vague.callId));
    expect(hungUp.body).toMatchObject({ contactId: asked.body.contactId, state: 'abandoned' });
    // A late answer for the ended call changes nothing.
    const late = await postGenericWebhook(service.url, input(vague.callId, { speech: 'la fattura' }));
    expect(late.body).toMatchObject({ contactId: asked.body.contactId, state: 'abandoned', duplicate: true });
  });
});
