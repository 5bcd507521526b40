import { Injectable } from '@nestjs/common';
import { OperatorDirectory } from './operator-directory.service';
import { OperatorStateStore } from './store/operator-state.store';

/** Kept at most this long even without a staffing change: skills edited by an admin show up by then. */
const TTL_MS = 10_000;

/**
 * Who is staffing a queue now: the operators logged in and not away (available, reserved, busy or in
 * wrap-up) with the queue's skill. Read on every intake for the wait estimate, so the count per skill is
 * kept until the staffing version changes (someone logs in or out, goes away or comes back; not on every
 * offer or call, which only move operators between working states): one small GET per intake instead of
 * reading every working operator, however many are online.
 */
@Injectable()
export class StaffingService {
  private kept: { version: string; at: number; ids: string[]; bySkill: Map<string, number> } | null = null;

  constructor(
    private readonly operators: OperatorStateStore,
    private readonly directory: OperatorDirectory,
  ) {}

  /** How many working operators have `skill` at a level above 0. */
  async staffed(skill: string): Promise<number> {
    // The version first: the ids read after it are at least as new, so a change in between is only ever
    // kept under an older version, and read again on the next call.
    const version = await this.operators.staffingVersion();
    if (!this.kept || this.kept.version !== version || Date.now() - this.kept.at > TTL_MS) {
      const at = Date.now();
      this.kept = { version, at, ids: await this.operators.workingIds(), bySkill: new Map() };
    }
    const kept = this.kept;
    let count = kept.bySkill.get(skill);
    if (count === undefined) {
      const profiles = await this.directory.profiles(kept.ids);
      count = profiles.filter((profile) => (profile.skills[skill] ?? 0) > 0).length;
      kept.bySkill.set(skill, count);
    }
    return count;
  }
}
