import { Injectable, Logger } from '@nestjs/common';
import { AuditActor, AuditService } from '@centralino/audit';
import { AppConfig } from '@centralino/config';
import { maskPhone } from '@centralino/contacts';
import { ErasureCounts, PrivacyRepository } from './privacy.repository';

/** Contacts erased per transaction by the retention sweep, so one run never holds long locks. */
const SWEEP_BATCH = 500;
const DAY_MS = 24 * 60 * 60 * 1000;

export interface ErasureReport extends ErasureCounts {
  /** The address, masked (the answer and the audit log never repeat the number in clear). */
  caller: string;
  /** Contacts of this caller still in progress: not erased; erase again once they have ended. */
  activeContacts: number;
}

/**
 * Callers' personal data: erased on request (REST and CLI) and after the retention period
 * (PRIVACY_RETENTION_DAYS, by the sweep job). Either way anonymous statistics stay exactly as they were.
 */
@Injectable()
export class PrivacyService {
  private readonly logger = new Logger(PrivacyService.name);

  constructor(
    private readonly repository: PrivacyRepository,
    private readonly audit: AuditService,
    private readonly config: AppConfig,
  ) {}

  async eraseCaller(actor: AuditActor, address: string, now = new Date()): Promise<ErasureReport> {
    const { activeContacts, ...counts } = await this.repository.eraseCaller(address, now);
    const report = { caller: maskPhone(address), activeContacts, ...counts };
    await this.audit.record({
      actor,
      action: 'privacy.erase',
      target: `caller:${report.caller}`,
      details: { ...counts, activeContacts },
    });
    return report;
  }

  /** The oldest end time whose personal data is kept, or null when there is no retention period. */
  retentionHorizon(now: Date): Date | null {
    const days = this.config.env.PRIVACY_RETENTION_DAYS;
    return days === undefined ? null : new Date(now.getTime() - days * DAY_MS);
  }

  /** Erases every contact past the retention period, in batches; the number of contacts erased. */
  async sweep(now = new Date()): Promise<number> {
    const horizon = this.retentionHorizon(now);
    if (!horizon) return 0;
    let total = 0;
    for (;;) {
      const counts = await this.repository.eraseEndedBefore(horizon, now, SWEEP_BATCH);
      total += counts.contacts;
      if (counts.contacts < SWEEP_BATCH) break;
    }
    if (total > 0) {
      this.logger.log({ erased: total, horizon: horizon.toISOString() }, 'retention sweep');
      await this.audit.record({
        actor: 'system',
        action: 'privacy.retention',
        details: { contacts: total, endedBefore: horizon.toISOString() },
      });
    }
    return total;
  }
}
