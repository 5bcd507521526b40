import { Injectable } from '@nestjs/common';
import { OperatorRecord, OperatorRepository } from '@centralino/persistence';

/**
 * Operator profiles (skills, languages) for routing decisions, cached briefly: the dispatcher reads them
 * on every decision and they change rarely.
 */
@Injectable()
export class OperatorDirectory {
  private static readonly TTL_MS = 10_000;
  private cache = new Map<string, { record: OperatorRecord; loadedAt: number }>();

  constructor(private readonly operators: OperatorRepository) {}

  async profiles(ids: string[]): Promise<OperatorRecord[]> {
    const now = Date.now();
    const missing = ids.filter((id) => {
      const hit = this.cache.get(id);
      return !hit || now - hit.loadedAt > OperatorDirectory.TTL_MS;
    });
    if (missing.length > 0) {
      for (const record of await this.operators.findByIds(missing)) {
        this.cache.set(record.id, { record, loadedAt: now });
      }
    }
    return ids.map((id) => this.cache.get(id)?.record).filter((record): record is OperatorRecord => !!record);
  }

  invalidate(): void {
    this.cache = new Map();
  }
}
