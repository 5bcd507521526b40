import { Injectable } from '@nestjs/common';
import { DatabaseService } from '../database.service';
import { OperatorEventEntity } from '../entities';

export interface NewOperatorEvent {
  id: string;
  operatorId: string;
  state: string;
  at: Date;
  reason: string | null;
  contactId: string | null;
}

/** The operators' state log (append-only), written in batches by the reporting drainer. */
@Injectable()
export class OperatorEventRepository {
  constructor(private readonly database: DatabaseService) {}

  /** Appends a batch in one statement; rows already written (same stream id) are skipped. */
  async append(events: NewOperatorEvent[]): Promise<void> {
    if (events.length === 0) return;
    await this.database.transaction((manager) =>
      manager.createQueryBuilder().insert().into(OperatorEventEntity).values(events).orIgnore().execute(),
    );
  }

  listForOperator(operatorId: string): Promise<OperatorEventEntity[]> {
    return this.database.read((manager) =>
      manager.find(OperatorEventEntity, { where: { operatorId }, order: { at: 'ASC', id: 'ASC' } }),
    );
  }
}
