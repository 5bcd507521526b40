import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { In } from 'typeorm';
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
}

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

  /** Creates or updates operators from the front-office file, keyed by username. */
  async upsertProfiles(profiles: OperatorProfile[]): Promise<void> {
    await this.database.transaction(async (manager) => {
      for (const profile of profiles) {
        const existing = await manager.findOneBy(OperatorEntity, { username: profile.username });
        const values = {
          displayName: profile.displayName,
          passwordHash: profile.passwordHash ?? existing?.passwordHash ?? null,
          role: profile.role,
          skills: profile.skills,
          languages: profile.languages,
          team: profile.team ?? null,
          endpoint: profile.endpoint ?? null,
          voiceCapacity: profile.voiceCapacity,
          chatCapacity: profile.chatCapacity,
          active: true,
        };
        if (existing) await manager.update(OperatorEntity, { id: existing.id }, values);
        else
          await manager.insert(OperatorEntity, { id: randomUUID(), username: profile.username, ...values });
      }
    });
  }
}
