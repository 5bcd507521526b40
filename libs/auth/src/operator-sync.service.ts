import { Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { FrontOfficeConfig } from '@centralino/config';
import { OperatorRepository } from '@centralino/persistence';

/**
 * Operators listed in the front-office file are created at start-up, and updated from it while the file
 * owns them; one the admin API or CLI changed is left alone (OperatorRepository.upsertProfiles).
 */
@Injectable()
export class OperatorSyncService implements OnModuleInit {
  private readonly logger = new Logger(OperatorSyncService.name);

  constructor(
    private readonly operators: OperatorRepository,
    private readonly frontOffice: FrontOfficeConfig,
  ) {}

  async onModuleInit(): Promise<void> {
    const profiles = this.frontOffice.data.operators.map(({ capacity, ...operator }) => ({
      ...operator,
      voiceCapacity: capacity.voice,
      chatCapacity: capacity.chat,
    }));
    try {
      const skipped = await this.operators.upsertProfiles(profiles);
      if (skipped.length > 0) {
        this.logger.log(`Managed by the admin API, not updated from the file: ${skipped.join(', ')}`);
      }
    } catch (error) {
      // Several processes starting together race on the same rows; the winner's write is identical.
      this.logger.warn(`Operator sync raced with another process: ${(error as Error).message}`);
    }
  }
}
