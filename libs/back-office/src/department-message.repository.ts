import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { Brackets, EntityManager } from 'typeorm';
import { DomainError } from '@centralino/contacts';
import {
  ContactEntity,
  DatabaseService,
  DepartmentMessageEntity,
  DepartmentMessageNoteEntity,
  MessageDeliveryEntity,
} from '@centralino/persistence';
import { MessageStatus } from './domain/message-status';

export type DepartmentMessageRecord = DepartmentMessageEntity;
export type MessageNoteRecord = DepartmentMessageNoteEntity;
export type DeliveryRecord = MessageDeliveryEntity;

export type NewDepartmentMessage = Omit<
  DepartmentMessageEntity,
  | 'id'
  | 'status'
  | 'assigneeId'
  | 'assigneeName'
  | 'assignedAt'
  | 'answeredAt'
  | 'doneAt'
  | 'createdAt'
  | 'updatedAt'
>;

export interface NewDelivery {
  channel: DeliveryRecord['channel'];
  target: string;
}

export interface MessageFilter {
  /** Inbox ids, `null` standing for the reception inbox (stored as a null department). */
  departments: (string | null)[];
  statuses?: MessageStatus[];
  urgency?: 'normal' | 'urgent';
  from?: Date;
  to?: Date;
  limit: number;
}

export type MessagePatch = Partial<
  Pick<
    DepartmentMessageEntity,
    'status' | 'assigneeId' | 'assigneeName' | 'assignedAt' | 'answeredAt' | 'doneAt'
  >
>;

/** All reads and writes of department messages, their reply notes and their deliveries. */
@Injectable()
export class DepartmentMessageRepository {
  constructor(private readonly database: DatabaseService) {}

  /**
   * Stores a message and its deliveries in one transaction, unless the contact already has a message
   * (the hand-over was retried): then nothing is written and the existing one is returned.
   */
  async insertOnce(
    message: NewDepartmentMessage,
    deliveries: NewDelivery[],
  ): Promise<{ created: boolean; message: DepartmentMessageRecord }> {
    return this.database.transaction(async (manager) => {
      const contact = await manager.findOneBy(ContactEntity, { id: message.contactId });
      if (!contact) throw new DomainError('not_found', `Contact ${message.contactId} does not exist`);
      const now = new Date();
      const id = randomUUID();
      const inserted = await manager
        .createQueryBuilder()
        .insert()
        .into(DepartmentMessageEntity)
        .values({ ...message, id, status: 'new', createdAt: now, updatedAt: now })
        .orIgnore()
        .returning(['id'])
        .execute();
      if (inserted.raw.length === 0) {
        const existing = await manager.findOneByOrFail(DepartmentMessageEntity, {
          contactId: message.contactId,
        });
        return { created: false, message: existing };
      }
      if (deliveries.length > 0) {
        await manager.insert(
          MessageDeliveryEntity,
          deliveries.map((delivery) => ({
            id: randomUUID(),
            messageId: id,
            departmentId: message.departmentId,
            channel: delivery.channel,
            target: delivery.target,
            status: 'pending' as const,
            attempts: 0,
            redrives: 0,
            createdAt: now,
          })),
        );
      }
      return { created: true, message: await manager.findOneByOrFail(DepartmentMessageEntity, { id }) };
    });
  }

  findById(id: string): Promise<DepartmentMessageRecord | null> {
    return this.database.read((manager) => manager.findOneBy(DepartmentMessageEntity, { id }));
  }

  notes(messageId: string): Promise<MessageNoteRecord[]> {
    return this.database.read((manager) =>
      manager.find(DepartmentMessageNoteEntity, { where: { messageId }, order: { at: 'ASC', id: 'ASC' } }),
    );
  }

  deliveries(messageId: string): Promise<DeliveryRecord[]> {
    return this.database.read((manager) =>
      manager.find(MessageDeliveryEntity, { where: { messageId }, order: { channel: 'ASC' } }),
    );
  }

  list(filter: MessageFilter): Promise<DepartmentMessageRecord[]> {
    return this.database.read((manager) => {
      const query = manager.createQueryBuilder(DepartmentMessageEntity, 'm');
      const named = filter.departments.filter((id): id is string => id !== null);
      const reception = filter.departments.includes(null);
      query.where(
        new Brackets((where) => {
          where.where('1 = 0');
          if (named.length > 0) where.orWhere('m.department_id IN (:...named)', { named });
          if (reception) where.orWhere('m.department_id IS NULL');
        }),
      );
      if (filter.statuses?.length)
        query.andWhere('m.status IN (:...statuses)', { statuses: filter.statuses });
      if (filter.urgency) query.andWhere('m.urgency = :urgency', { urgency: filter.urgency });
      if (filter.from) query.andWhere('m.created_at >= :from', { from: filter.from });
      if (filter.to) query.andWhere('m.created_at < :to', { to: filter.to });
      return query.orderBy('m.created_at', 'DESC').addOrderBy('m.id', 'ASC').limit(filter.limit).getMany();
    });
  }

  /** The latest messages left by a caller, matched on the address they called from or gave for a callback. */
  byCaller(address: string, limit: number, exceptContactId?: string): Promise<DepartmentMessageRecord[]> {
    return this.database.read((manager) =>
      manager
        .createQueryBuilder(DepartmentMessageEntity, 'm')
        .where('(m.caller_address = :address OR m.callback_address = :address)', { address })
        .andWhere(exceptContactId ? 'm.contact_id <> :exceptContactId' : '1 = 1', { exceptContactId })
        .orderBy('m.created_at', 'DESC')
        .limit(limit)
        .getMany(),
    );
  }

  /**
   * Changes a message under a row lock: `change` sees the current row and returns the patch (it may
   * throw to refuse), optionally with a reply note to append in the same transaction.
   */
  async update(
    id: string,
    change: (message: DepartmentMessageRecord) => {
      patch: MessagePatch;
      note?: Omit<MessageNoteRecord, 'id' | 'messageId'>;
    },
  ): Promise<DepartmentMessageRecord> {
    return this.database.transaction(async (manager) => {
      const message = await this.lock(manager, id);
      const { patch, note } = change(message);
      const updatedAt = new Date();
      await manager.update(DepartmentMessageEntity, { id }, { ...patch, updatedAt });
      if (note) await manager.insert(DepartmentMessageNoteEntity, { ...note, messageId: id });
      return Object.assign(message, patch, { updatedAt });
    });
  }

  findDelivery(id: string): Promise<DeliveryRecord | null> {
    return this.database.read((manager) => manager.findOneBy(MessageDeliveryEntity, { id }));
  }

  pendingDeliveries(messageId: string): Promise<DeliveryRecord[]> {
    return this.database.read((manager) =>
      manager.find(MessageDeliveryEntity, { where: { messageId, status: 'pending' } }),
    );
  }

  /** The oldest pending deliveries, for the sweep that re-queues jobs lost with Redis. */
  oldestPending(limit: number): Promise<DeliveryRecord[]> {
    return this.database.read((manager) =>
      manager.find(MessageDeliveryEntity, {
        where: { status: 'pending' },
        order: { createdAt: 'ASC' },
        take: limit,
      }),
    );
  }

  listDeliveries(status: DeliveryRecord['status'], limit: number): Promise<DeliveryRecord[]> {
    return this.database.read((manager) =>
      manager.find(MessageDeliveryEntity, { where: { status }, order: { createdAt: 'DESC' }, take: limit }),
    );
  }

  /** Counts an attempt of a pending delivery; null (nothing to do) if it is delivered or dead already. */
  async startAttempt(id: string): Promise<DeliveryRecord | null> {
    return this.database.transaction(async (manager) => {
      const delivery = await manager.findOne(MessageDeliveryEntity, {
        where: { id },
        lock: { mode: 'pessimistic_write' },
      });
      if (!delivery || delivery.status !== 'pending') return null;
      const patch = { attempts: delivery.attempts + 1, lastAttemptAt: new Date() };
      await manager.update(MessageDeliveryEntity, { id }, patch);
      return Object.assign(delivery, patch);
    });
  }

  async markDelivered(id: string): Promise<void> {
    await this.database.transaction((manager) =>
      manager.update(
        MessageDeliveryEntity,
        { id, status: 'pending' },
        { status: 'delivered', deliveredAt: new Date(), lastError: null },
      ),
    );
  }

  /** Records a failed attempt; the last one moves the delivery to the dead-letter list. */
  async markFailed(id: string, error: string, final: boolean): Promise<void> {
    await this.database.transaction((manager) =>
      manager.update(
        MessageDeliveryEntity,
        { id, status: 'pending' },
        final ? { lastError: error, status: 'dead', deadAt: new Date() } : { lastError: error },
      ),
    );
  }

  /** Moves a dead delivery back to pending for a fresh series of attempts. */
  async redrive(id: string): Promise<DeliveryRecord> {
    return this.database.transaction(async (manager) => {
      const delivery = await manager.findOne(MessageDeliveryEntity, {
        where: { id },
        lock: { mode: 'pessimistic_write' },
      });
      if (!delivery) throw new DomainError('not_found', `Delivery ${id} does not exist`);
      if (delivery.status !== 'dead') {
        throw new DomainError(
          'conflict',
          `Delivery ${id} is ${delivery.status}; only dead deliveries are re-driven`,
        );
      }
      const patch = {
        status: 'pending' as const,
        attempts: 0,
        redrives: delivery.redrives + 1,
        deadAt: null,
      };
      await manager.update(MessageDeliveryEntity, { id }, patch);
      return Object.assign(delivery, patch);
    });
  }

  private async lock(manager: EntityManager, id: string): Promise<DepartmentMessageEntity> {
    const message = await manager.findOne(DepartmentMessageEntity, {
      where: { id },
      lock: { mode: 'pessimistic_write' },
    });
    if (!message) throw new DomainError('not_found', `Message ${id} does not exist`);
    return message;
  }
}
