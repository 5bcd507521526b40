import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { In } from 'typeorm';
import { DomainError } from '@centralino/contacts';
import { DatabaseService } from '../database.service';
import { OperatorEntity } from '../entities';

export type OperatorRecord = OperatorEntity;

export interface OperatorProfile {
  username: string;
  displayName: string;
  passwordHash?: string;
  role: OperatorEntity['role'];
  skills: Record<string, number>;
  languages: string[];
  team?: string;
  endpoint?: string;
  voiceCapacity: number;
  chatCapacity: number;
  supervises?: string[];
}

/** What the admin API may change on a user. */
export type OperatorPatch = Partial<
  Pick<
    OperatorEntity,
    | 'displayName'
    | 'passwordHash'
    | 'role'
    | 'skills'
    | 'languages'
    | 'team'
    | 'endpoint'
    | 'voiceCapacity'
    | 'chatCapacity'
    | 'active'
  >
>;

@Injectable()
export class OperatorRepository {
  constructor(private readonly database: DatabaseService) {}

  findByUsername(username: string): Promise<OperatorRecord | null> {
    return this.database.read((manager) => manager.findOneBy(OperatorEntity, { username }));
  }

  findById(id: string): Promise<OperatorRecord | null> {
    return this.database.read((manager) => manager.findOneBy(OperatorEntity, { id }));
  }

  findByIds(ids: string[]): Promise<OperatorRecord[]> {
    if (ids.length === 0) return Promise.resolve([]);
    return this.database.read((manager) => manager.findBy(OperatorEntity, { id: In(ids) }));
  }

  listActive(): Promise<OperatorRecord[]> {
    return this.database.read((manager) =>
      manager.find(OperatorEntity, { where: { active: true }, order: { username: 'ASC' } }),
    );
  }

  /** Everyone, active or not, by username. */
  listAll(): Promise<OperatorRecord[]> {
    return this.database.read((manager) => manager.find(OperatorEntity, { order: { username: 'ASC' } }));
  }

  /**
   * Seeds operators from the front-office file, keyed by username: creates missing ones and updates those
   * the file still owns (`managedBy: config`). A record the admin API or CLI changed (`managedBy: admin`)
   * is left alone, so a restart never undoes an admin's edit. Returns the usernames left alone.
   */
  async upsertProfiles(profiles: OperatorProfile[]): Promise<string[]> {
    return this.database.transaction(async (manager) => {
      const skipped: string[] = [];
      for (const profile of profiles) {
        const existing = await manager.findOneBy(OperatorEntity, { username: profile.username });
        if (existing?.managedBy === 'admin') {
          skipped.push(profile.username);
          continue;
        }
        const values = {
          ...profileColumns(profile),
          passwordHash: profile.passwordHash ?? existing?.passwordHash ?? null,
          active: true,
        };
        if (existing) {
          // A new role or password in the file ends the sessions issued under the old one.
          const revoke = existing.role !== values.role || existing.passwordHash !== values.passwordHash;
          await manager.update(
            OperatorEntity,
            { id: existing.id },
            { ...values, ...(revoke ? { tokenVersion: existing.tokenVersion + 1 } : {}) },
          );
        } else
          await manager.insert(OperatorEntity, { id: randomUUID(), username: profile.username, ...values });
      }
      return skipped;
    });
  }

  /** Creates a user through the admin API or CLI; `conflict` when the username is taken. */
  async create(profile: OperatorProfile & { active: boolean }): Promise<OperatorRecord> {
    return this.database.transaction(async (manager) => {
      if (await manager.findOneBy(OperatorEntity, { username: profile.username })) {
        throw new DomainError('conflict', `User ${profile.username} already exists`);
      }
      const record = {
        id: randomUUID(),
        username: profile.username,
        ...profileColumns(profile),
        passwordHash: profile.passwordHash ?? null,
        active: profile.active,
        managedBy: 'admin' as const,
      };
      await manager.insert(OperatorEntity, record);
      return manager.findOneByOrFail(OperatorEntity, { id: record.id });
    });
  }

  /**
   * Applies an admin's change and marks the record `managedBy: admin`. With `revoke`, the token version
   * is bumped in the same write, so every access token issued before is refused from now on.
   */
  async updateByUsername(
    username: string,
    patch: OperatorPatch,
    options: { revoke: boolean },
  ): Promise<OperatorRecord> {
    return this.database.transaction(async (manager) => {
      const existing = await manager.findOneBy(OperatorEntity, { username });
      if (!existing) throw new DomainError('not_found', `User ${username} does not exist`);
      await manager.update(
        OperatorEntity,
        { id: existing.id },
        {
          ...patch,
          managedBy: 'admin',
          ...(options.revoke ? { tokenVersion: existing.tokenVersion + 1 } : {}),
        },
      );
      return manager.findOneByOrFail(OperatorEntity, { id: existing.id });
    });
  }

  /** Logout: every access token issued so far is refused. Returns the new version. */
  async bumpTokenVersion(id: string): Promise<number> {
    return this.database.transaction(async (manager) => {
      await manager.increment(OperatorEntity, { id }, 'tokenVersion', 1);
      return (await manager.findOneByOrFail(OperatorEntity, { id })).tokenVersion;
    });
  }
}

/** The columns a profile sets, from the front-office file and the admin API alike. */
function profileColumns(profile: OperatorProfile) {
  return {
    displayName: profile.displayName,
    role: profile.role,
    skills: profile.skills,
    languages: profile.languages,
    team: profile.team ?? null,
    endpoint: profile.endpoint ?? null,
    voiceCapacity: profile.voiceCapacity,
    chatCapacity: profile.chatCapacity,
    supervises: profile.supervises ?? [],
  };
}
