import { DomainError } from '@centralino/contacts';

export interface InboxUser {
  username: string;
  role: 'operator' | 'supervisor' | 'admin';
}

/**
 * Who may work which inbox: supervisors and admins every inbox; an operator the reception inbox (the
 * front desk is theirs) and the inboxes of the departments that list them as `members` in the
 * front-office file's `backOffice.departments`. Pure; `inboxes` maps inbox id -> member usernames.
 */
export class InboxAccess {
  constructor(
    private readonly inboxes: ReadonlyMap<string, readonly string[]>,
    private readonly receptionInbox: string,
  ) {}

  /** Every inbox id the user may see. */
  visibleTo(user: InboxUser): string[] {
    const all = [...this.inboxes.keys()];
    if (user.role !== 'operator') return all;
    return all.filter(
      (inbox) => inbox === this.receptionInbox || this.inboxes.get(inbox)!.includes(user.username),
    );
  }

  canSee(user: InboxUser, inbox: string): boolean {
    // Supervisors and admins also see messages of a department since removed from the directory.
    return user.role !== 'operator' || this.visibleTo(user).includes(inbox);
  }

  assertCanSee(user: InboxUser, inbox: string): void {
    if (!this.inboxes.has(inbox)) throw new DomainError('not_found', `There is no inbox ${inbox}`);
    if (!this.canSee(user, inbox)) {
      throw new DomainError('forbidden', `${user.username} does not work the ${inbox} inbox`);
    }
  }
}
