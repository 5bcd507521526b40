import { Injectable, Logger } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { Contact, DomainError, maskPhone } from '@centralino/contacts';
import { FrontOfficeConfig } from '@centralino/config';
import { ContactRepository } from '@centralino/persistence';
import { ContactFlowService } from '@centralino/routing';
import { TriageService } from '@centralino/triage';
import { InboundContact, IntakeResult } from './inbound-call';

/**
 * The provider-neutral front door: persist the contact, triage it, put it in its queue. Idempotent: a
 * retried delivery (same event key) or a second "started" event for the same call creates nothing new.
 */
@Injectable()
export class IntakeService {
  private readonly logger = new Logger(IntakeService.name);

  constructor(
    private readonly contacts: ContactRepository,
    private readonly triage: TriageService,
    private readonly flow: ContactFlowService,
    private readonly frontOffice: FrontOfficeConfig,
  ) {}

  async receive(inbound: InboundContact): Promise<IntakeResult> {
    const receipt = await this.contacts.findReceipt(inbound.provider, inbound.eventKey);
    if (receipt?.contactId) return this.resultFor(receipt.contactId, true);

    const now = new Date();
    const decision = this.triage.classify({
      text: inbound.text,
      digits: inbound.digits,
      languageHint: inbound.language,
    });
    const language = decision.language ?? this.frontOffice.data.company.defaultLanguage;
    const contact: Contact = {
      id: randomUUID(),
      channel: inbound.channel,
      provider: inbound.provider,
      externalId: inbound.externalId,
      fromAddress: inbound.from,
      toAddress: inbound.to,
      state: 'queued',
      problemType: decision.problemType,
      language,
      triage: {
        source: decision.source,
        confidence: decision.confidence,
        reasons: decision.reasons,
        utterance: inbound.text?.slice(0, 2000),
        digits: inbound.digits,
        alternatives: decision.alternatives,
      },
      operatorId: null,
      receivedAt: now,
      queuedAt: now,
      connectedAt: null,
      endedAt: null,
    };
    const outcome = await this.contacts.createFromWebhook(
      contact,
      [
        { type: 'received', at: now, data: { provider: inbound.provider, channel: inbound.channel } },
        {
          type: 'triaged',
          at: now,
          data: {
            problemType: decision.problemType,
            confidence: decision.confidence,
            source: decision.source,
          },
        },
        { type: 'queued', at: now, data: { queue: decision.problemType } },
      ],
      { provider: inbound.provider, eventKey: inbound.eventKey, response: { contactId: contact.id } },
    );
    if (!outcome.created) {
      const existingId =
        outcome.contact?.id ??
        (await this.contacts.findReceipt(inbound.provider, inbound.eventKey))?.contactId;
      if (!existingId)
        throw new DomainError('conflict', 'A concurrent delivery of this event is in progress; retry');
      return this.resultFor(existingId, true);
    }
    this.logger.log(
      {
        contactId: contact.id,
        provider: inbound.provider,
        from: maskPhone(inbound.from),
        queue: decision.problemType,
      },
      'Contact queued',
    );
    await this.flow.ensureWaiting(outcome.contact);
    return this.resultFor(contact.id, false);
  }

  /** A retried delivery also repairs a contact whose enqueue did not happen (crash after commit). */
  private async resultFor(contactId: string, duplicate: boolean): Promise<IntakeResult> {
    const contact = await this.contacts.findById(contactId);
    if (!contact) throw new DomainError('not_found', `Contact ${contactId} does not exist`);
    if (duplicate) await this.flow.ensureWaitingIfMissing(contact);
    const position = await this.flow.position(contact);
    return {
      contactId: contact.id,
      state: contact.state,
      queue: contact.problemType,
      language: contact.language,
      position,
      estimatedWait: await this.flow.estimatedWait(contact, position),
      duplicate,
    };
  }

  /** The call ended on the provider's side. Unknown calls are a 404 (`unknown_call`), never a retry loop. */
  async ended(provider: string, eventKey: string, externalId: string, reason: string): Promise<IntakeResult> {
    const contact = await this.contacts.findByExternalId(provider, externalId);
    if (!contact) throw new DomainError('unknown_call', `No contact for call ${externalId}`);
    await this.contacts.recordReceipt(
      { provider, eventKey, response: { contactId: contact.id } },
      contact.id,
    );
    const ended = await this.flow.end(contact.id, reason);
    this.logger.log({ contactId: contact.id, state: ended?.state, reason }, 'Contact ended');
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
