import { Injectable } from '@nestjs/common';
import {
  DepartmentBackOfficeConfig,
  DirectoryEntryConfig,
  FrontOfficeConfig,
  RECEPTION_INBOX,
} from '@centralino/config';
import { DomainError } from '@centralino/contacts';
import { InboxAccess } from './domain/inbox-access';

export interface Inbox {
  id: string;
  name: string;
}

export interface Assignee {
  id: string;
  name: string;
}

/**
 * The departments of the front-office directory seen as inboxes: which inbox a message for a directory
 * id lands in, who may work it, who can be assigned, and where its messages are delivered.
 */
@Injectable()
export class DepartmentDirectory {
  private readonly entries: Map<string, DirectoryEntryConfig>;
  private readonly inboxes: Map<string, Inbox>;
  readonly access: InboxAccess;

  constructor(private readonly frontOffice: FrontOfficeConfig) {
    const data = frontOffice.data;
    this.entries = new Map(data.directory.map((entry) => [entry.id, entry]));
    this.inboxes = new Map<string, Inbox>([[RECEPTION_INBOX, { id: RECEPTION_INBOX, name: 'Reception' }]]);
    for (const entry of data.directory) {
      if (entry.kind === 'department') this.inboxes.set(entry.id, { id: entry.id, name: entry.name });
    }
    this.access = new InboxAccess(
      new Map([...this.inboxes.keys()].map((id) => [id, this.settings(id).members])),
      RECEPTION_INBOX,
    );
  }

  get receptionInbox(): string {
    return RECEPTION_INBOX;
  }

  list(): Inbox[] {
    return [...this.inboxes.values()];
  }

  inbox(id: string): Inbox | undefined {
    return this.inboxes.get(id);
  }

  /**
   * The inbox of a message for `recipientId`: the department itself, a person's department, or reception
   * when there is no recipient, the person has no department or the id is unknown (a message is never
   * refused for its address; reception forwards it).
   */
  inboxFor(recipientId: string | null): string {
    if (!recipientId) return RECEPTION_INBOX;
    const entry = this.entries.get(recipientId);
    if (!entry) return RECEPTION_INBOX;
    if (entry.kind === 'department') return entry.id;
    return entry.department && this.inboxes.has(entry.department) ? entry.department : RECEPTION_INBOX;
  }

  /** The display name of a directory entry. */
  nameOf(recipientId: string | null): string | null {
    return recipientId ? (this.entries.get(recipientId)?.name ?? null) : null;
  }

  /** Delivery and membership settings of an inbox (none configured = inbox only). */
  settings(inbox: string): DepartmentBackOfficeConfig {
    return this.frontOffice.data.backOffice.departments[inbox] ?? { members: [], email: [] };
  }

  /** Who the inbox's messages are usually assigned to: its members and the directory's people in it. */
  assigneesOf(inbox: string): Assignee[] {
    const members = this.settings(inbox).members.map((username) => this.assignee(username));
    const people = this.frontOffice.data.directory
      .filter((entry) => entry.kind === 'person' && entry.department === inbox)
      .map((entry) => ({ id: entry.id, name: entry.name }));
    return [...members, ...people];
  }

  /**
   * Someone a message can be assigned to: an operator (by username) or a person of the directory (by id).
   */
  assignee(id: string): Assignee {
    const operator = this.frontOffice.data.operators.find((candidate) => candidate.username === id);
    if (operator) return { id, name: operator.displayName };
    const person = this.entries.get(id);
    if (person?.kind === 'person') return { id, name: person.name };
    throw new DomainError('validation_failed', `${id} is neither an operator nor a person of the directory`);
  }
}
