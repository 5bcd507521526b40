import { Contact, maskPhone } from '@centralino/contacts';
import type { ContactPayload, OfferPayload } from '@centralino/realtime/operator-events.contract';
import { Offer } from './store/offer.store';

/** What a console is shown of a contact: the caller's number is masked. */
export function toContactPayload(contact: Contact): ContactPayload {
  return {
    contactId: contact.id,
    channel: contact.channel,
    caller: maskPhone(contact.fromAddress),
    queue: contact.problemType,
    language: contact.language,
    state: contact.state,
    connectedAt: contact.connectedAt ? contact.connectedAt.toISOString() : null,
  };
}

export function toOfferPayload(offer: Offer, contact: Contact, now = Date.now()): OfferPayload {
  return {
    offerId: offer.id,
    contactId: contact.id,
    queue: offer.queue,
    channel: contact.channel,
    caller: maskPhone(contact.fromAddress),
    language: contact.language,
    problemType: contact.problemType,
    triage: toTriagePayload(contact),
    waitedSeconds: contact.queuedAt ? Math.round((now - contact.queuedAt.getTime()) / 1000) : 0,
    expiresAt: offer.expiresAt,
    // The service places the call: the console is told whom (masked, as every caller) and which attempt.
    callback: contact.callback
      ? { number: maskPhone(contact.callback.number), attempt: contact.callback.attempts + 1 }
      : null,
  };
}

/** The triage a console shows: confidence, the "why" and what the caller said. */
export function toTriagePayload(contact: Contact): OfferPayload['triage'] {
  return contact.triage
    ? {
        confidence: contact.triage.confidence,
        reasons: contact.triage.reasons,
        utterance: contact.triage.utterance,
      }
    : null;
}
