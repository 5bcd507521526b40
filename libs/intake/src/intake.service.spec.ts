import { join } from 'node:path';
import { FrontOfficeConfig } from '@centralino/config';
import { Contact, ContactEvent, ContactState, DomainError } from '@centralino/contacts';
import type { ContactPatch, ContactRepository, NewContact, Receipt } from '@centralino/persistence';
import type { ContactFlowService, QueueRulesService } from '@centralino/routing';
import { TriageService } from '@centralino/triage';
import { InboundContact } from './inbound-call';
import { IntakeService } from './intake.service';

type NewEvent = { type: ContactEvent['type']; at: Date; data?: Record<string, unknown> };

/** The repository's contract, in memory: contacts, their event log and webhook receipts. */
class MemoryContacts {
  readonly contacts = new Map<string, Contact>();
  readonly log = new Map<string, ContactEvent[]>();
  readonly receipts = new Map<string, string>();

  findById(id: string) {
    return Promise.resolve(this.contacts.get(id) ?? null);
  }
  findByExternalId(provider: string, externalId: string) {
    const found = [...this.contacts.values()].find(
      (c) => c.provider === provider && c.externalId === externalId,
    );
    return Promise.resolve(found ?? null);
  }
  findReceipt(provider: string, eventKey: string) {
    const contactId = this.receipts.get(`${provider}/${eventKey}`);
    return Promise.resolve(contactId ? { contactId } : null);
  }
  events(contactId: string) {
    return Promise.resolve(this.log.get(contactId) ?? []);
  }
  async createFromWebhook(contact: NewContact, history: NewEvent[], receipt: Receipt) {
    // As the repository: a retried delivery returns its receipt's contact and response, another event of
    // a known call returns that call's contact; neither writes anything.
    const receiptOf = this.receipts.get(`${receipt.provider}/${receipt.eventKey}`);
    if (receiptOf)
      return {
        created: false as const,
        contact: this.contacts.get(receiptOf) ?? null,
        response: { contactId: receiptOf },
      };
    const sameCall = await this.findByExternalId(contact.provider, contact.externalId);
    if (sameCall) return { created: false as const, contact: sameCall, response: null };
    const stored: Contact = {
      connectedAt: null,
      endedAt: null,
      queuedAt: null,
      callback: null,
      providerAccount: null,
      ...contact,
    };
    this.contacts.set(contact.id, stored);
    this.append(contact.id, history);
    this.receipts.set(`${receipt.provider}/${receipt.eventKey}`, contact.id);
    return { created: true as const, contact: stored };
  }
  advanceFromWebhook(
    id: string,
    from: ContactState[],
    history: NewEvent[],
    patch: ContactPatch,
    receipt: Receipt,
  ) {
    const contact = this.contacts.get(id)!;
    const key = `${receipt.provider}/${receipt.eventKey}`;
    if (!from.includes(contact.state) || this.receipts.has(key)) return Promise.resolve(null);
    this.receipts.set(key, id);
    const states = history.map((e) => e.type).filter((t) => t !== 'clarifying' && t !== 'note');
    Object.assign(contact, patch, { state: (states.at(-1) as ContactState | undefined) ?? contact.state });
    this.append(id, history);
    return Promise.resolve(contact);
  }
  recordReceipt(receipt: Receipt, contactId: string) {
    this.receipts.set(`${receipt.provider}/${receipt.eventKey}`, contactId);
    return Promise.resolve(true);
  }
  private append(contactId: string, history: NewEvent[]) {
    const events = this.log.get(contactId) ?? [];
    for (const e of history) events.push({ contactId, type: e.type, at: e.at, data: e.data ?? {} });
    this.log.set(contactId, events);
  }
}

describe('IntakeService clarifying loop', () => {
  // The e2e fixture: keywords only (fattura, guasto, lawyer...), no clarify prompt (built-in one used).
  const frontOffice = FrontOfficeConfig.load(
    join(__dirname, '../../../test/fixtures/front-office.test.yaml'),
  );
  const triage = new TriageService(frontOffice);
  let contacts: MemoryContacts;
  let queued: string[];
  let intake: IntakeService;
  let sequence = 0;

  beforeEach(() => {
    contacts = new MemoryContacts();
    queued = [];
    const flow = {
      position: (contact: Contact) => Promise.resolve(contact.state === 'queued' ? 1 : null),
      estimatedWait: () => Promise.resolve(null),
    };
    intake = new IntakeService(
      contacts as unknown as ContactRepository,
      triage,
      flow as unknown as ContactFlowService,
      // The rules themselves are tested in libs/routing; here every queue takes what it is given.
      {
        admit: (contact: Contact) => {
          if (contact.state === 'queued') queued.push(contact.id);
          return Promise.resolve(contact);
        },
        admitIfMissing: () => Promise.resolve(false),
      } as unknown as QueueRulesService,
      frontOffice,
    );
  });

  function said(callId: string, text: string, extra: Partial<InboundContact> = {}): InboundContact {
    sequence += 1;
    return {
      provider: 'test',
      eventKey: `evt_${sequence}`,
      externalId: callId,
      channel: 'voice',
      from: '+393331234567',
      to: '+390200000000',
      text,
      canClarify: true,
      ...extra,
    };
  }

  const types = (contactId: string) => contacts.log.get(contactId)!.map((event) => event.type);

  it('asks, keeps the contact received without queueing it, and queues the clear answer', async () => {
    const first = said('c1', 'buongiorno');
    const asked = await intake.receive(first);
    expect(asked).toMatchObject({ state: 'received', queue: null, language: 'it', position: null });
    expect(asked.clarify).toEqual({
      prompt: expect.stringMatching(
        /^Può dirmi qualcosa in più su ciò di cui ha bisogno\? Per esempio: Billing/,
      ),
      language: 'it',
      options: expect.arrayContaining([{ problemType: 'billing', label: 'Billing' }]),
    });
    expect(queued).toEqual([]);

    // The same delivery again: the same question, nothing new.
    await expect(intake.receive(first)).resolves.toMatchObject({ duplicate: true, clarify: asked.clarify });
    expect(types(asked.contactId)).toEqual(['received', 'clarifying']);

    const answered = await intake.receive(said('c1', 'è per la fattura di marzo'));
    expect(answered).toMatchObject({ contactId: asked.contactId, state: 'queued', queue: 'billing' });
    expect(answered.clarify).toBeUndefined();
    expect(queued).toEqual([asked.contactId]);
    expect(types(asked.contactId)).toEqual(['received', 'clarifying', 'triaged', 'queued']);
    expect(contacts.contacts.get(asked.contactId)!.triage).toMatchObject({
      decision: 'queue',
      clarifications: 1,
    });
  });

  it('asks at most maxClarifications times, then queues to reception with the reasons', async () => {
    const first = await intake.receive(said('c2', 'buongiorno'));
    const second = await intake.input(said('c2', 'mah'));
    expect(second).toMatchObject({ contactId: first.contactId, state: 'received' });
    expect(second.clarify).toBeDefined();
    const third = await intake.input(said('c2', 'boh'));
    expect(third).toMatchObject({ contactId: first.contactId, state: 'queued', queue: 'reception' });
    expect(types(first.contactId)).toEqual(['received', 'clarifying', 'clarifying', 'triaged', 'queued']);
    expect(contacts.contacts.get(first.contactId)!.triage).toMatchObject({
      source: 'fallback',
      clarifications: 2,
      reasons: expect.arrayContaining(['still unclear after 2 clarifying questions']),
    });
    // More input once queued changes nothing.
    await expect(intake.input(said('c2', 'la fattura'))).resolves.toMatchObject({
      state: 'queued',
      queue: 'reception',
      duplicate: true,
    });
  });

  it('never asks when the adapter cannot: an unclear request goes to reception at once', async () => {
    const result = await intake.receive(said('c3', 'buongiorno', { canClarify: false }));
    expect(result).toMatchObject({ state: 'queued', queue: 'reception' });
    expect(result.clarify).toBeUndefined();
  });

  it('refuses input for a call it never received', async () => {
    await expect(intake.input(said('nobody', 'fattura'))).rejects.toBeInstanceOf(DomainError);
  });

  it('checks a contact the event turns out to be about before changing or telling anything, never a new one', async () => {
    const seen: string[] = [];
    const knownContact = (contact: Contact) => {
      seen.push(contact.id);
      if (contact.externalId === 'c4') throw new DomainError('signature_account_mismatch', 'not yours');
    };
    const created = await intake.receiveContact(said('c4', 'buongiorno'), { knownContact });
    expect(seen).toEqual([]);
    expect(created.contact).toMatchObject({ id: created.result.contactId, state: 'received' });
    // The answer to the question (a known call) and a retried delivery: refused, nothing appended.
    await expect(intake.receive(said('c4', 'la fattura'), { knownContact })).rejects.toMatchObject({
      code: 'signature_account_mismatch',
    });
    const retried = said('c4', 'buongiorno');
    await expect(
      intake.receive({ ...retried, eventKey: `evt_${sequence - 2}` }, { knownContact }),
    ).rejects.toMatchObject({ code: 'signature_account_mismatch' });
    expect(seen).toEqual([created.result.contactId, created.result.contactId]);
    expect(types(created.result.contactId)).toEqual(['received', 'clarifying']);
    // Checked and let through: the answer goes on as before, and the contact comes back as it now is.
    const answer = await intake.receiveContact(said('c4', 'la fattura'), { knownContact: () => undefined });
    expect(answer.result).toMatchObject({ state: 'queued', queue: 'billing', duplicate: false });
    expect(answer.contact).toMatchObject({
      id: created.result.contactId,
      state: 'queued',
      problemType: 'billing',
    });
  });
});
