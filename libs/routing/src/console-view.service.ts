import { Injectable } from '@nestjs/common';
import { FrontOfficeConfig } from '@centralino/config';
import { Contact, ContactEvent } from '@centralino/contacts';
import { ContactRepository } from '@centralino/persistence';
import {
  ConsoleOptionsPayload,
  ContactNotePayload,
  CurrentContactPayload,
  PREVIOUS_CONTACTS_SHOWN,
} from '@centralino/realtime/operator-events.contract';
import { toContactPayload, toTriagePayload } from './contact-view';

/** The `note` kind of an operator's note in a contact's event log. */
export const OPERATOR_NOTE_KIND = 'operator_note';

/** A display name from a localized config name: English first (as the dashboards), else any. */
export function displayName(name: Record<string, string>, fallback: string): string {
  return name.en ?? Object.values(name)[0] ?? fallback;
}

export function toNotePayload(event: ContactEvent): ContactNotePayload {
  const data = event.data as { clientId: string; text: string; operatorId: string; operatorName?: string };
  return {
    id: data.clientId,
    contactId: event.contactId,
    text: data.text,
    at: new Date(event.at).getTime(),
    operatorId: data.operatorId,
    operatorName: data.operatorName ?? '',
  };
}

/** What a console shows of the contacts it handles, beyond the contact row itself. */
@Injectable()
export class ConsoleViewService {
  private readonly options: ConsoleOptionsPayload;

  constructor(
    private readonly contacts: ContactRepository,
    private readonly frontOffice: FrontOfficeConfig,
  ) {
    const data = frontOffice.data;
    // Computed once: the front-office file is read at start-up only.
    this.options = {
      dispositions: data.routing.dispositions.map((item) => ({
        id: item.id,
        name: displayName(item.name, item.id),
      })),
      queues: data.problemTypes.map((type) => ({ id: type.id, name: displayName(type.name, type.id) })),
      departments: data.directory
        .filter((entry) => entry.kind === 'department')
        .map((entry) => ({ id: entry.id, name: entry.name, phone: !!entry.phone })),
    };
  }

  get wrapUpSeconds(): number {
    return this.frontOffice.data.routing.wrapUpSeconds;
  }

  consoleOptions(): ConsoleOptionsPayload {
    return this.options;
  }

  /** The contact with its triage, notes and the caller's previous contacts. */
  async current(contact: Contact): Promise<CurrentContactPayload> {
    const { notes, previous } = await this.contacts.consoleContext(
      contact,
      [OPERATOR_NOTE_KIND],
      PREVIOUS_CONTACTS_SHOWN,
    );
    return {
      ...toContactPayload(contact),
      problemType: contact.problemType,
      triage: toTriagePayload(contact),
      notes: notes.map(toNotePayload),
      previousContacts: previous.map(({ contact: earlier, disposition, operatorName }) => ({
        contactId: earlier.id,
        channel: earlier.channel,
        receivedAt: earlier.receivedAt.toISOString(),
        state: earlier.state,
        problemType: earlier.problemType,
        disposition,
        operatorName,
      })),
    };
  }

  /** Every contact the operator is connected to, voice first, then by connection time. */
  async connected(operatorId: string): Promise<CurrentContactPayload[]> {
    const contacts = await this.contacts.connectedTo(operatorId);
    contacts.sort((a, b) => Number(b.channel === 'voice') - Number(a.channel === 'voice'));
    return Promise.all(contacts.map((contact) => this.current(contact)));
  }
}
