import { mkdirSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { isAbsolute, join, resolve } from 'node:path';
import { ConfigError } from './config-error';
import { Env, envSchema } from './env.schema';
import { formatZodIssues } from './format-zod-issues';
import { FrontOfficeConfig } from './front-office-config';
import { ProviderAccounts } from './provider-accounts';

export type Role = 'http' | 'worker';

interface GeneratedSecrets {
  jwtSecret: string;
  genericWebhookSecret: string;
}

/**
 * The one validated configuration of a centralino process: environment plus the front-office file.
 * Nothing else in the code base reads `process.env`.
 */
export class AppConfig {
  readonly env: Env;
  readonly dataDir: string;
  readonly roles: ReadonlySet<Role>;
  readonly frontOffice: FrontOfficeConfig;
  /** Absolute path of the front-office file, read again on a reload (SIGHUP, admin endpoint). */
  readonly frontOfficePath: string;
  readonly jwtSecret: string;
  readonly genericWebhookSecrets: string[];
  readonly publicBaseUrl: string;
  /** Absolute path of PROVIDER_ACCOUNTS_FILE (null: only the single-account variables), read again on SIGHUP. */
  readonly providerAccountsPath: string | null;
  /** The provider accounts at start-up; a reload's are ProviderAccountsService's (libs/providers). */
  readonly providerAccounts: ProviderAccounts;

  constructor(source: Record<string, string | undefined> = process.env, cwd = process.cwd()) {
    const parsed = envSchema.safeParse(source);
    if (!parsed.success) {
      throw new ConfigError(`Invalid environment:\n${formatZodIssues(parsed.error)}`);
    }
    this.env = parsed.data;
    this.dataDir = isAbsolute(this.env.DATA_DIR) ? this.env.DATA_DIR : resolve(cwd, this.env.DATA_DIR);
    const roles = this.env.CENTRALINO_ROLES;
    this.roles = new Set<Role>(roles.includes('all') ? ['http', 'worker'] : (roles as Role[]));
    this.frontOfficePath = resolve(cwd, this.env.FRONT_OFFICE_CONFIG);
    this.frontOffice = FrontOfficeConfig.load(this.frontOfficePath);
    const generated =
      this.env.JWT_SECRET && this.env.GENERIC_WEBHOOK_SECRETS ? null : this.generatedSecrets();
    this.jwtSecret = this.env.JWT_SECRET ?? generated!.jwtSecret;
    this.genericWebhookSecrets = this.env.GENERIC_WEBHOOK_SECRETS ?? [generated!.genericWebhookSecret];
    this.publicBaseUrl = (this.env.PUBLIC_BASE_URL ?? `http://localhost:${this.env.PORT}`).replace(/\/$/, '');
    this.providerAccountsPath = this.env.PROVIDER_ACCOUNTS_FILE
      ? resolve(cwd, this.env.PROVIDER_ACCOUNTS_FILE)
      : null;
    this.providerAccounts = this.loadProviderAccounts();
    if (this.roles.size < 2 && !this.env.DATABASE_URL) {
      throw new ConfigError(
        'Invalid environment:\nCENTRALINO_ROLES: running roles in separate processes needs a shared DATABASE_URL (the embedded database serves one process)',
      );
    }
    if (this.env.NODE_ENV === 'production' && (!this.env.JWT_SECRET || !this.env.GENERIC_WEBHOOK_SECRETS)) {
      throw new ConfigError(
        'Invalid environment:\nJWT_SECRET and GENERIC_WEBHOOK_SECRETS are required in production',
      );
    }
  }

  /**
   * The front-office file as it is on disk now, validated (throws ConfigError). What a reload applies
   * is up to each consumer: triage retrains from it; the rest keeps the start-up configuration.
   */
  loadFrontOffice(): FrontOfficeConfig {
    return FrontOfficeConfig.load(this.frontOfficePath);
  }

  /** The provider accounts as PROVIDER_ACCOUNTS_FILE is on disk now, validated (throws ConfigError). */
  loadProviderAccounts(): ProviderAccounts {
    return ProviderAccounts.load(this.env, this.genericWebhookSecrets, this.providerAccountsPath);
  }

  hasRole(role: Role): boolean {
    return this.roles.has(role);
  }

  get generatedSecretsPath(): string {
    return join(this.dataDir, 'generated-secrets.json');
  }

  /**
   * Out of the box (no secrets configured) centralino creates random secrets once and keeps them under
   * DATA_DIR, so tokens and the README walkthrough survive restarts. Production must set them.
   */
  private generatedSecrets(): GeneratedSecrets {
    const path = this.generatedSecretsPath;
    if (existsSync(path)) return JSON.parse(readFileSync(path, 'utf8')) as GeneratedSecrets;
    mkdirSync(this.dataDir, { recursive: true });
    const secrets: GeneratedSecrets = {
      jwtSecret: randomBytes(32).toString('hex'),
      genericWebhookSecret: `whsec_${randomBytes(24).toString('hex')}`,
    };
    writeFileSync(path, JSON.stringify(secrets, null, 2), { mode: 0o600 });
    return secrets;
  }
}
