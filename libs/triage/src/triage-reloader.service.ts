import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { AppConfig, FrontOfficeConfig } from '@centralino/config';
import { DomainError } from '@centralino/contacts';
import { RetrainResult, TriageService } from './triage.service';

/**
 * Retrains triage from the front-office file as it is on disk now: on SIGHUP (`kill -HUP <pid>`, as
 * daemons reload) and through `POST /admin/triage/retrain`. An invalid file changes nothing: the
 * running model stays, and the reason is logged (and answered by the endpoint).
 */
@Injectable()
export class TriageReloader implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(TriageReloader.name);
  // A failed reload is logged in reload(); the signal has nobody else to tell.
  private readonly onSignal = (): void => void this.reload().catch(() => undefined);

  constructor(
    private readonly config: AppConfig,
    private readonly triage: TriageService,
  ) {}

  onApplicationBootstrap(): void {
    process.on('SIGHUP', this.onSignal);
  }

  onApplicationShutdown(): void {
    process.off('SIGHUP', this.onSignal);
  }

  async reload(): Promise<RetrainResult> {
    let next: FrontOfficeConfig;
    try {
      next = this.config.loadFrontOffice();
    } catch (error) {
      this.logger.error({ reason: (error as Error).message }, 'Front-office reload refused: invalid file');
      throw new DomainError('validation_failed', (error as Error).message);
    }
    try {
      return await this.triage.retrain(next);
    } catch (error) {
      this.logger.error({ reason: (error as Error).message }, 'Front-office reload refused');
      throw error;
    }
  }
}
