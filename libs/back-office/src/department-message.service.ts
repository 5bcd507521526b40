import { Injectable, Logger } from '@nestjs/common';
import { DepartmentMessageSink, DomainError, maskPhone, TakenMessage } from '@centralino/contacts';
import { Assignee, DepartmentDirectory, Inbox } from './department-directory';
import { DepartmentMessageRecord, DepartmentMessageRepository } from './department-message.repository';
import { InboxUser } from './domain/inbox-access';
import { MessageStatus, MessageStatusRules } from './domain/message-status';
import { MessageDeliveryService } from './message-delivery.service';
import { deliveryView, messageView, noteView, previousMessageView } from './message-view';
import { takenMessageSchema } from './taken-message.schema';

export interface InboxQuery {
  department?: string;
  statuses?: MessageStatus[];
  urgency?: 'normal' | 'urgent';
  from?: Date;
  to?: Date;
  limit: number;
}

/** A user of the inbox, from the access token. */
export interface InboxActor extends InboxUser {
  id: string;
  displayName: string;
}

/**
 * Department messages: the back office's side of the `DepartmentMessageSink` port (store once per
 * contact, then deliver to the department's tools) and the departments' inbox (list, assign, reply,
 * done), with the inbox access rule of `InboxAccess`.
 */
@Injectable()
export class DepartmentMessageService extends DepartmentMessageSink {
  private readonly logger = new Logger(DepartmentMessageService.name);

  constructor(
    private readonly repository: DepartmentMessageRepository,
    private readonly directory: DepartmentDirectory,
    private readonly deliveries: MessageDeliveryService,
  ) {
    super();
  }

  /**
   * Durable when it resolves: the message and its deliveries are committed and the delivery jobs queued.
   * A second call for the same contact stores nothing new and only makes sure the deliveries are queued.
   */
  override async accept(message: TakenMessage): Promise<void> {
    await this.store(message);
  }

  /** As `accept`, returning the stored message and whether this call created it. */
  async store(input: TakenMessage): Promise<{ created: boolean; message: DepartmentMessageRecord }> {
    const message = takenMessageSchema.parse(input);
    const inbox = this.directory.inboxFor(message.recipientId);
    const settings = this.directory.settings(inbox);
    const outcome = await this.repository.insertOnce(
      {
        contactId: message.contactId,
        source: message.source,
        recipientId: message.recipientId,
        departmentId: inbox === this.directory.receptionInbox ? null : inbox,
        callerAddress: message.callerAddress,
        callerName: message.callerName ?? null,
        callbackAddress: message.callbackAddress || null,
        problemType: message.problemType,
        language: message.language,
        text: message.text,
        urgency: message.urgency,
        takenBy: message.takenBy ?? null,
        takenAt: message.takenAt,
      },
      [
        ...(settings.webhook ? [{ channel: 'webhook' as const, target: settings.webhook.url }] : []),
        ...(settings.email.length > 0
          ? [{ channel: 'email' as const, target: settings.email.join(', ') }]
          : []),
      ],
    );
    await this.deliveries.enqueuePending(outcome.message.id);
    this.logger.log(
      {
        contactId: message.contactId,
        messageId: outcome.message.id,
        department: inbox,
        caller: maskPhone(message.callerAddress),
        duplicate: !outcome.created,
      },
      outcome.created ? 'Department message stored' : 'Department message handed over again: kept the first',
    );
    return outcome;
  }

  /** The inboxes the user may see, each with the people its messages can be assigned to. */
  inboxes(user: InboxUser): (Inbox & { assignees: Assignee[] })[] {
    const visible = new Set(this.directory.access.visibleTo(user));
    return this.directory
      .list()
      .filter((inbox) => visible.has(inbox.id))
      .map((inbox) => ({ ...inbox, assignees: this.directory.assigneesOf(inbox.id) }));
  }

  async list(user: InboxUser, query: InboxQuery) {
    let inboxes: string[];
    if (query.department) {
      this.directory.access.assertCanSee(user, query.department);
      inboxes = [query.department];
    } else {
      inboxes = this.directory.access.visibleTo(user);
    }
    const rows = await this.repository.list({
      departments: inboxes.map((id) => (id === this.directory.receptionInbox ? null : id)),
      statuses: query.statuses,
      urgency: query.urgency,
      from: query.from,
      to: query.to,
      limit: query.limit,
    });
    return rows.map((row) => messageView(this.directory, row));
  }

  async get(user: InboxUser, id: string) {
    const message = await this.visible(user, id);
    const [notes, deliveries] = await Promise.all([
      this.repository.notes(id),
      this.repository.deliveries(id),
    ]);
    return {
      ...messageView(this.directory, message),
      notes: notes.map(noteView),
      deliveries: deliveries.map(deliveryView),
    };
  }

  async assign(user: InboxActor, id: string, assigneeId: string) {
    await this.visible(user, id);
    const assignee = this.directory.assignee(assigneeId);
    await this.repository.update(id, (message) => ({
      patch: {
        status: MessageStatusRules.afterAssign(message.status),
        assigneeId: assignee.id,
        assigneeName: assignee.name,
        assignedAt: new Date(),
      },
    }));
    this.logger.log({ messageId: id, assignee: assignee.id, by: user.username }, 'Message assigned');
    return this.get(user, id);
  }

  async reply(user: InboxActor, id: string, text: string) {
    await this.visible(user, id);
    const at = new Date();
    await this.repository.update(id, (message) => ({
      patch: {
        status: MessageStatusRules.afterReply(message.status),
        ...(message.answeredAt ? {} : { answeredAt: at }),
      },
      note: { authorId: user.id, authorName: user.displayName, text, at },
    }));
    this.logger.log({ messageId: id, by: user.username }, 'Reply note added');
    return this.get(user, id);
  }

  async done(user: InboxActor, id: string, note?: string) {
    await this.visible(user, id);
    const at = new Date();
    await this.repository.update(id, (message) => ({
      patch: { status: MessageStatusRules.afterDone(), ...(message.doneAt ? {} : { doneAt: at }) },
      ...(note ? { note: { authorId: user.id, authorName: user.displayName, text: note, at } } : {}),
    }));
    this.logger.log({ messageId: id, by: user.username }, 'Message done');
    return this.get(user, id);
  }

  /**
   * The status of the messages a caller left before (latest first), for the operator console when the
   * same caller calls again: "your message to accounting was answered yesterday". Status only, no text.
   */
  async previousMessages(address: string, limit = 5, exceptContactId?: string) {
    const rows = await this.repository.byCaller(address, limit, exceptContactId);
    return rows.map((row) => previousMessageView(this.directory, row));
  }

  private async visible(user: InboxUser, id: string): Promise<DepartmentMessageRecord> {
    const message = await this.repository.findById(id);
    if (!message) throw new DomainError('not_found', `Message ${id} does not exist`);
    const inbox = message.departmentId ?? this.directory.receptionInbox;
    if (!this.directory.access.canSee(user, inbox)) {
      throw new DomainError('forbidden', `${user.username} does not work the ${inbox} inbox`);
    }
    return message;
  }
}
