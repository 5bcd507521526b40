import { Injectable, Optional } from '@nestjs/common';
import { AppConfig, FrontOfficeConfig } from '@centralino/config';
import { maskPhone } from '@centralino/contacts';
import { OperatorRepository } from '@centralino/persistence';
import { CallerMessagesSource, CallerMessageSummary } from './caller-messages.source';
import { ReportRepository } from './report.repository';

/** At most this many previous contacts are listed, newest first. */
export const CALLER_HISTORY_LIMIT = 50;

export interface CallerHistory {
  /** The caller's address, masked like everywhere else in the API. */
  caller: string;
  /** Contacts received before this are not shown (the retention horizon), or null without one. */
  since: string | null;
  contacts: {
    id: string;
    channel: string;
    /** The final state (completed, abandoned, message_taken, ...) or the current one while in progress. */
    outcome: string;
    queue: string | null;
    queueName: string | null;
    operator: { id: string; displayName: string } | null;
    receivedAt: string;
    connectedAt: string | null;
    endedAt: string | null;
    /** Queued until answered or ended; null if never queued. */
    waitSeconds: number | null;
    talkSeconds: number | null;
  }[];
  /** Messages the caller left (from the back office); null when no back office is installed. */
  messages: CallerMessageSummary[] | null;
}

/** A caller's previous contacts and messages by their phone number (or chat address). */
@Injectable()
export class CallerHistoryService {
  constructor(
    private readonly reports: ReportRepository,
    private readonly operators: OperatorRepository,
    private readonly frontOffice: FrontOfficeConfig,
    private readonly config: AppConfig,
    @Optional() private readonly messages?: CallerMessagesSource,
  ) {}

  /**
   * The oldest contact the history may show: now minus PRIVACY_RETENTION_DAYS (null without one). The
   * retention sweep erases older contacts' numbers anyway; this also hides those it has not reached yet.
   */
  retentionHorizon(now: Date): Date | null {
    const days = this.config.env.PRIVACY_RETENTION_DAYS;
    return days === undefined ? null : new Date(now.getTime() - days * 24 * 60 * 60 * 1000);
  }

  async forCaller(address: string, now = new Date()): Promise<CallerHistory> {
    const since = this.retentionHorizon(now);
    const rows = await this.reports.callerContacts(address, since, CALLER_HISTORY_LIMIT);
    const operatorIds = [...new Set(rows.map((row) => row.operatorId).filter((id): id is string => !!id))];
    const operators = new Map((await this.operators.findByIds(operatorIds)).map((op) => [op.id, op]));
    const seconds = (from: Date | null, to: Date | null) =>
      from && to ? Math.max(0, Math.round((to.getTime() - from.getTime()) / 1000)) : null;
    return {
      caller: maskPhone(address),
      since: since?.toISOString() ?? null,
      contacts: rows.map((row) => {
        const type = row.problemType ? this.frontOffice.problemType(row.problemType) : undefined;
        const operator = row.operatorId ? operators.get(row.operatorId) : undefined;
        return {
          id: row.id,
          channel: row.channel,
          outcome: row.state,
          queue: row.problemType,
          queueName: type ? (type.name.en ?? Object.values(type.name)[0] ?? type.id) : null,
          operator: operator ? { id: operator.id, displayName: operator.displayName } : null,
          receivedAt: row.receivedAt.toISOString(),
          connectedAt: row.connectedAt?.toISOString() ?? null,
          endedAt: row.endedAt?.toISOString() ?? null,
          waitSeconds: row.queuedAt ? seconds(row.queuedAt, row.connectedAt ?? row.endedAt) : null,
          talkSeconds: seconds(row.connectedAt, row.endedAt),
        };
      }),
      messages: this.messages ? await this.messages.forCaller(address, since) : null,
    };
  }
}
