import { Injectable, Logger } from '@nestjs/common';
import { AuditEntry, AuditRecordInput } from './audit-entry';
import { AuditQuery, auditRecordSchema } from './audit-query.dto';
import { AuditEntryRecord, AuditRepository } from './audit.repository';

/**
 * The audit log of supervisor and admin actions. Call `record` after the action succeeded (an entry
 * says something happened), and await it: the action's response waits until the entry is stored.
 */
@Injectable()
export class AuditService {
  private readonly logger = new Logger(AuditService.name);

  constructor(private readonly repository: AuditRepository) {}

  async record(input: AuditRecordInput): Promise<AuditEntry> {
    const { action, target, details } = auditRecordSchema.parse(input);
    const actor =
      typeof input.actor === 'string'
        ? { actorId: null, actor: input.actor, actorRole: null }
        : {
            actorId: input.actor.sub ?? null,
            actor: input.actor.username,
            actorRole: input.actor.role ?? null,
          };
    const entry = await this.repository.insert({
      at: new Date(),
      ...actor,
      action,
      target: target ?? null,
      details: details ?? {},
    });
    this.logger.log({ audit: { actor: entry.actor, action, target: entry.target } }, `audit ${action}`);
    return toView(entry);
  }

  async find(query: AuditQuery): Promise<AuditEntry[]> {
    return (await this.repository.find(query)).map(toView);
  }
}

function toView(entry: AuditEntryRecord): AuditEntry {
  return {
    id: entry.id,
    at: entry.at.toISOString(),
    actorId: entry.actorId,
    actor: entry.actor,
    actorRole: entry.actorRole,
    action: entry.action,
    target: entry.target,
    details: entry.details,
  };
}
