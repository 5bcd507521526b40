import { Injectable } from '@nestjs/common';
import { hash } from '@node-rs/argon2';
import { AuditActor, AuditService } from '@centralino/audit';
import { TokenVersionStore } from '@centralino/auth';
import { OperatorPatch, OperatorRecord, OperatorRepository } from '@centralino/persistence';
import { CreateUserDto, UpdateUserDto } from './users.dto';

/** A user as the admin API answers it: never the password hash. */
export interface UserView {
  id: string;
  username: string;
  displayName: string;
  role: OperatorRecord['role'];
  skills: Record<string, number>;
  languages: string[];
  team: string | null;
  endpoint: string | null;
  capacity: { voice: number; chat: number };
  active: boolean;
  hasPassword: boolean;
  managedBy: OperatorRecord['managedBy'];
}

/**
 * Managing users beyond the front-office file, for the admin REST API and the CLI alike. Every change is
 * audited, and one that changes what a token grants (role, password, disabling) revokes the user's
 * access tokens.
 */
@Injectable()
export class UserAdminService {
  constructor(
    private readonly operators: OperatorRepository,
    private readonly versions: TokenVersionStore,
    private readonly audit: AuditService,
  ) {}

  async list(): Promise<UserView[]> {
    return (await this.operators.listAll()).map(userView);
  }

  async create(actor: AuditActor, input: CreateUserDto): Promise<UserView> {
    const { password, capacity, ...profile } = input;
    const record = await this.operators.create({
      ...profile,
      team: profile.team ?? undefined,
      endpoint: profile.endpoint ?? undefined,
      passwordHash: password ? await hash(password) : undefined,
      voiceCapacity: capacity.voice,
      chatCapacity: capacity.chat,
    });
    await this.audit.record({
      actor,
      action: 'user.create',
      target: `user:${record.username}`,
      details: { role: record.role, team: record.team, withPassword: !!password },
    });
    return userView(record);
  }

  async update(actor: AuditActor, username: string, input: UpdateUserDto): Promise<UserView> {
    const { capacity, ...fields } = input;
    const patch: OperatorPatch = {
      ...fields,
      ...(capacity?.voice !== undefined ? { voiceCapacity: capacity.voice } : {}),
      ...(capacity?.chat !== undefined ? { chatCapacity: capacity.chat } : {}),
    };
    const revoke = fields.role !== undefined || fields.active === false;
    const record = await this.operators.updateByUsername(username, patch, { revoke });
    if (revoke) await this.publish(record);
    await this.audit.record({
      actor,
      action: fields.active === false ? 'user.disable' : 'user.update',
      target: `user:${username}`,
      details: { changed: Object.keys(input) },
    });
    return userView(record);
  }

  async setPassword(actor: AuditActor, username: string, password: string): Promise<UserView> {
    const record = await this.operators.updateByUsername(
      username,
      { passwordHash: await hash(password) },
      { revoke: true },
    );
    await this.publish(record);
    await this.audit.record({ actor, action: 'user.set_password', target: `user:${username}` });
    return userView(record);
  }

  private publish(record: OperatorRecord): Promise<void> {
    return this.versions.publish(record.id, record.active ? record.tokenVersion : null);
  }
}

function userView(record: OperatorRecord): UserView {
  return {
    id: record.id,
    username: record.username,
    displayName: record.displayName,
    role: record.role,
    skills: record.skills,
    languages: record.languages,
    team: record.team,
    endpoint: record.endpoint,
    capacity: { voice: record.voiceCapacity, chat: record.chatCapacity },
    active: record.active,
    hasPassword: !!record.passwordHash,
    managedBy: record.managedBy,
  };
}
