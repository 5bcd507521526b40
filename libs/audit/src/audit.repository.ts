import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { AuditEntryEntity, DatabaseService } from '@centralino/persistence';
import { AuditQuery } from './audit-query.dto';

export type AuditEntryRecord = AuditEntryEntity;
export type NewAuditEntry = Omit<AuditEntryEntity, 'id'>;

/** Reads and appends of the audit log; entries are never updated through this repository. */
@Injectable()
export class AuditRepository {
  constructor(private readonly database: DatabaseService) {}

  async insert(entry: NewAuditEntry): Promise<AuditEntryRecord> {
    const row = { id: randomUUID(), ...entry };
    await this.database.transaction((manager) => manager.insert(AuditEntryEntity, row));
    return row;
  }

  /** Newest first. */
  find(query: AuditQuery): Promise<AuditEntryRecord[]> {
    return this.database.read((manager) => {
      const builder = manager.createQueryBuilder(AuditEntryEntity, 'entry');
      if (query.actor) builder.andWhere('entry.actor = :actor', { actor: query.actor });
      if (query.action?.endsWith('*')) {
        // The schema allows only [a-z0-9_.-] before the star, so no LIKE wildcard can slip in.
        builder.andWhere('entry.action LIKE :action', { action: `${query.action.slice(0, -1)}%` });
      } else if (query.action) builder.andWhere('entry.action = :action', { action: query.action });
      if (query.target) builder.andWhere('entry.target = :target', { target: query.target });
      if (query.from) builder.andWhere('entry.at >= :from', { from: query.from });
      if (query.to) builder.andWhere('entry.at < :to', { to: query.to });
      return builder.orderBy('entry.at', 'DESC').addOrderBy('entry.id', 'DESC').take(query.limit).getMany();
    });
  }
}
