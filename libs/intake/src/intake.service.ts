import { Injectable, Logger } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { Contact, ContactEvent, DomainError, maskPhone, TriageSummary } from '@centralino/contacts';
import { FrontOfficeConfig } from '@centralino/config';
import { ContactRepository, NewContact } from '@centralino/persistence';
import { ContactFlowService, QueueRulesService } from '@centralino/routing';
import { ClarifyQuestion, TriageDecision, TriageService } from '@centralino/triage';
import { InboundContact, InboundInput, InputOptions, IntakeResult, ReceiveOptions } from './inbound-call';

/**
 * The provider-neutral front door: persist the contact, triage it, put it in its queue. Idempotent: a
 * retried delivery (same event key) or a second "started" event for the same call creates nothing new.
 * When triage is unsure (and the adapter can ask), the contact stays `received` with a `clarifying`
 * event and the result carries the question; the caller's answer, a new event for the same call,
 * continues the triage (at most `triage.maxClarifications` questions, then the reception queue).
 */
@Injectable()
export class IntakeService {
  private readonly logger = new Logger(IntakeService.name);

  constructor(
    private readonly contacts: ContactRepository,
    private readonly triage: TriageService,
    private readonly flow: ContactFlowService,
    private readonly rules: QueueRulesService,
    private readonly frontOffice: FrontOfficeConfig,
  ) {}

  async receive(inbound: InboundContact, options: ReceiveOptions = {}): Promise<IntakeResult> {
    return (await this.receiveContact(inbound, options)).result;
  }

  /**
   * As `receive`, with the contact as intake left it: an adapter that acts on it next (the call flow's
   * step after triage, the reply's actions) does not read it again.
   */
  async receiveContact(
    inbound: InboundContact,
    options: ReceiveOptions = {},
  ): Promise<{ result: IntakeResult; contact: Contact }> {
    // Straight to creating the contact: createFromWebhook finds a retried delivery (its receipt) or a
    // call already known in the same statement, so a new call costs no separate reads first.
    const now = new Date();
    const decision = this.triage.classify({
      text: inbound.text,
      digits: inbound.digits,
      languageHint: inbound.language,
      canClarify: inbound.canClarify,
    });
    const language = decision.language ?? this.frontOffice.data.company.defaultLanguage;
    const clarifying = decision.kind === 'clarify';
    const contact: NewContact = {
      id: randomUUID(),
      channel: inbound.channel,
      provider: inbound.provider,
      externalId: inbound.externalId,
      providerAccount: inbound.providerAccount ?? null,
      fromAddress: inbound.from,
      toAddress: inbound.to,
      state: clarifying ? 'received' : 'queued',
      problemType: clarifying ? null : decision.problemType,
      language,
      triage: clarifying ? null : this.summary(decision, inbound, 0),
      operatorId: null,
      receivedAt: now,
      queuedAt: clarifying ? null : now,
    };
    const outcome = await this.contacts.createFromWebhook(
      contact,
      [
        { type: 'received', at: now, data: { provider: inbound.provider, channel: inbound.channel } },
        ...this.history(decision, inbound, now),
      ],
      { provider: inbound.provider, eventKey: inbound.eventKey, response: { contactId: contact.id } },
    );
    if (!outcome.created) {
      let known = outcome.contact;
      if (!known) {
        // A concurrent delivery of this event committed after the creation's statement began.
        const receipt = await this.contacts.findReceipt(inbound.provider, inbound.eventKey);
        known = receipt?.contactId ? await this.contacts.findById(receipt.contactId) : null;
      }
      if (!known)
        throw new DomainError('conflict', 'A concurrent delivery of this event is in progress; retry');
      // Before anything about it is changed or told: the event may be refused (another account's call).
      options.knownContact?.(known);
      // More speech or digits for a call that was asked a clarifying question: triage continues.
      if (outcome.response === null && outcome.contact?.state === 'received') {
        const asked = await this.askedSoFar(known.id);
        if (asked.length > 0) return this.continueTriage(known, inbound, asked);
      }
      return this.resultFor(known, true);
    }
    this.logDecision(outcome.contact, inbound, decision);
    // The queue's rules decide: wait there, in another queue, leave a message, or hear it is closed.
    return this.resultFor(await this.rules.admit(outcome.contact), false);
  }

  /** The caller answered a clarifying question: triage again with everything said so far. */
  private async continueTriage(
    contact: Contact,
    inbound: InboundContact,
    asked: ContactEvent[],
  ): Promise<{ result: IntakeResult; contact: Contact }> {
    const now = new Date();
    const decision = this.triage.classify({
      text: inbound.text,
      digits: inbound.digits,
      languageHint: inbound.language,
      earlierText: asked.map((event) => String(event.data.utterance ?? '')),
      clarificationsAsked: asked.length,
      canClarify: inbound.canClarify,
    });
    const language = decision.language ?? contact.language ?? this.frontOffice.data.company.defaultLanguage;
    const clarifying = decision.kind === 'clarify';
    const moved = await this.contacts.advanceFromWebhook(
      contact.id,
      ['received'],
      this.history(decision, inbound, now),
      clarifying
        ? { language }
        : {
            language,
            problemType: decision.problemType,
            queuedAt: now,
            triage: this.summary(decision, inbound, asked.length),
          },
      { provider: inbound.provider, eventKey: inbound.eventKey, response: { contactId: contact.id } },
    );
    // A concurrent delivery of this event, or the caller hung up meanwhile: report where it is.
    if (!moved) return this.resultFor(contact.id, true);
    this.logDecision(moved, inbound, decision);
    return this.resultFor(await this.rules.admit(moved), false);
  }

  /** The events a triage decision appends: a clarifying question, or triaged then queued. */
  private history(
    decision: TriageDecision,
    inbound: InboundContact,
    at: Date,
  ): { type: ContactEvent['type']; at: Date; data: Record<string, unknown> }[] {
    if (decision.kind === 'clarify') {
      return [
        {
          type: 'clarifying',
          at,
          data: {
            utterance: inbound.text?.slice(0, 2000) ?? '',
            ...(inbound.digits ? { digits: inbound.digits } : {}),
            reasons: decision.reasons,
            ...(decision.bestGuess ? { bestGuess: decision.bestGuess } : {}),
            question: decision.clarify,
          },
        },
      ];
    }
    return [
      {
        type: 'triaged',
        at,
        data: {
          problemType: decision.problemType,
          confidence: decision.confidence,
          source: decision.source,
          decision: decision.kind,
          ...(decision.directoryTarget ? { directoryTarget: decision.directoryTarget.id } : {}),
        },
      },
      { type: 'queued', at, data: { queue: decision.problemType } },
    ];
  }

  private summary(decision: TriageDecision, inbound: InboundContact, clarifications: number): TriageSummary {
    return {
      source: decision.source,
      confidence: decision.confidence,
      reasons: decision.reasons,
      utterance: inbound.text?.slice(0, 2000),
      digits: inbound.digits,
      alternatives: decision.alternatives,
      decision: decision.kind === 'directory' ? 'directory' : 'queue',
      ...(decision.directoryTarget ? { directoryTarget: decision.directoryTarget } : {}),
      ...(decision.bestGuess ? { bestGuess: decision.bestGuess } : {}),
      ...(clarifications > 0 ? { clarifications } : {}),
    };
  }

  private async askedSoFar(contactId: string): Promise<ContactEvent[]> {
    return (await this.contacts.events(contactId)).filter((event) => event.type === 'clarifying');
  }

  private logDecision(contact: Contact, inbound: InboundContact, decision: TriageDecision): void {
    this.logger.log(
      {
        // The correlation id of a contact is its id: the same field on the webhook's log line, the
        // dispatcher's (BullMQ job) and the socket events', so one search finds its whole journey.
        correlationId: contact.id,
        contactId: contact.id,
        provider: inbound.provider,
        from: maskPhone(inbound.from),
        decision: decision.kind,
        queue: decision.kind === 'clarify' ? null : decision.problemType,
        confidence: decision.confidence,
      },
      decision.kind === 'clarify' ? 'Clarifying question asked' : 'Contact queued',
    );
  }

  /**
   * Where the contact is now, as intake answers it: `found` as just read or written (an id: read now).
   * A retried delivery also repairs a contact whose enqueue did not happen (crash after commit).
   */
  private async resultFor(
    found: Contact | string,
    duplicate: boolean,
  ): Promise<{ result: IntakeResult; contact: Contact }> {
    let contact = typeof found === 'string' ? await this.contacts.findById(found) : found;
    if (!contact) throw new DomainError('not_found', `Contact ${String(found)} does not exist`);
    if (duplicate && (await this.rules.admitIfMissing(contact))) {
      contact = (await this.contacts.findById(contact.id)) ?? contact;
    }
    // Still waiting for an answer: the same question again (a retried delivery gets the same reply).
    const question =
      contact.state === 'received' ? (await this.askedSoFar(contact.id)).at(-1)?.data.question : undefined;
    const target = contact.triage?.directoryTarget;
    const position = await this.flow.position(contact);
    const result: IntakeResult = {
      contactId: contact.id,
      state: contact.state,
      queue: contact.problemType,
      language: contact.language,
      position,
      estimatedWait: await this.flow.estimatedWait(contact, position),
      duplicate,
      ...(question ? { clarify: question as ClarifyQuestion } : {}),
      ...(target ? { directoryTarget: target } : {}),
    };
    return { result, contact };
  }

  /**
   * More input for a call already received (the answer to a clarifying question): continues the triage.
   * For a contact already placed it changes nothing and reports where it is; an unknown call is a 404.
   * A retried delivery is told by its receipt where it is written (the triage's move, or the receipt of
   * input for a placed contact), not by a read first.
   */
  async input(inbound: InboundInput, options: InputOptions = {}): Promise<IntakeResult> {
    return (await this.inputContact(inbound, options)).result;
  }

  /** As `input`, with the contact as intake left it (see receiveContact). */
  async inputContact(
    inbound: InboundInput,
    options: InputOptions = {},
  ): Promise<{ result: IntakeResult; contact: Contact }> {
    const known = options.known;
    const contact =
      known?.provider === inbound.provider && known.externalId === inbound.externalId
        ? known
        : await this.contacts.findByExternalId(inbound.provider, inbound.externalId);
    if (!contact) throw new DomainError('unknown_call', `No contact for call ${inbound.externalId}`);
    if (contact.state === 'received') {
      const asked = await this.askedSoFar(contact.id);
      if (asked.length > 0) {
        return this.continueTriage(
          contact,
          { ...inbound, channel: contact.channel, from: contact.fromAddress, to: contact.toAddress },
          asked,
        );
      }
    }
    await this.contacts.recordReceipt(
      { provider: inbound.provider, eventKey: inbound.eventKey, response: { contactId: contact.id } },
      contact.id,
    );
    return this.resultFor(contact, true);
  }

  /** The call ended on the provider's side. Unknown calls are a 404 (`unknown_call`), never a retry loop. */
  async ended(
    provider: string,
    eventKey: string,
    externalId: string,
    reason: string,
    /** The call's contact as the caller just read it: not read again (a stale one is re-read on a miss). */
    known?: Contact,
  ): Promise<IntakeResult> {
    const contact =
      known?.provider === provider && known.externalId === externalId
        ? known
        : await this.contacts.findByExternalId(provider, externalId);
    if (!contact) throw new DomainError('unknown_call', `No contact for call ${externalId}`);
    // The receipt is written by the statement that ends the contact (or on its own if nothing is).
    const ended = await this.flow.end(contact.id, reason, new Date(), contact, {
      provider,
      eventKey,
      response: { contactId: contact.id },
    });
    this.logger.log(
      { correlationId: contact.id, contactId: contact.id, state: ended?.state, reason },
      'Contact ended',
    );
    return {
      contactId: contact.id,
      state: ended?.state ?? contact.state,
      queue: contact.problemType,
      language: contact.language,
      position: null,
      estimatedWait: null,
      duplicate: false,
    };
  }
}
