import { Injectable } from '@nestjs/common';
import { OperatorRecord } from '@centralino/persistence';
import { OperatorDirectory } from './operator-directory.service';
import { OperatorStateStore } from './store/operator-state.store';

/**
 * Who is staffing a queue now: the operators logged in and not away (available, reserved, busy or in
 * wrap-up) with the queue's skill. Read on every intake for the wait estimate, so it costs one Redis
 * command (an SDIFF of the online and away sets) plus the cached directory, however many operators are
 * online, instead of one read per operator.
 */
@Injectable()
export class StaffingService {
  constructor(
    private readonly operators: OperatorStateStore,
    private readonly directory: OperatorDirectory,
  ) {}

  /** Profiles of the working operators with `skill` at a level above 0. */
  async working(skill: string): Promise<OperatorRecord[]> {
    const profiles = await this.directory.profiles(await this.operators.workingIds());
    return profiles.filter((profile) => (profile.skills[skill] ?? 0) > 0);
  }
}
