import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { ConfigError } from './config-error';
import { Env } from './env.schema';
import { formatZodIssues } from './format-zod-issues';
import { ProviderAccountsFile, providerAccountsFileSchema } from './provider-accounts.schema';

/** The name a contact stores for the account of the single-account variables (and a bare env setup). */
export const DEFAULT_ACCOUNT_ID = 'default';

export interface TwilioAccount {
  /** Stored on the contact: the AccountSid, or `default` for TWILIO_AUTH_TOKEN without TWILIO_ACCOUNT_SID. */
  id: string;
  /** Null only for the env account without TWILIO_ACCOUNT_SID: it then signs for any AccountSid no other account has. */
  accountSid: string | null;
  /** Current first, then the previous one while rotating. */
  authTokens: string[];
  apiBaseUrl: string;
}

export interface VonageAccount {
  /** Stored on the contact: the application id, or `default` for the env account without one. */
  id: string;
  /** Null only for the env account without VONAGE_APPLICATION_ID: it then signs for any application. */
  applicationId: string | null;
  apiKey: string | null;
  signatureSecrets: string[];
  /** PEM; null: this account receives webhooks but centralino cannot call its Voice API. */
  privateKey: string | null;
  apiBaseUrl: string;
}

export interface TelnyxAccount {
  id: string;
  /** Empty: events of any connection whose key verifies. */
  connectionIds: string[];
  /** The connection a callback's outbound call is placed through; null: no callbacks on this account. */
  callbackConnectionId: string | null;
  publicKeys: string[];
  apiKey: string;
  apiBaseUrl: string;
}

export interface GenericGateway {
  /** The `Webhook-Key-Id` of the gateway; `default` for GENERIC_WEBHOOK_SECRETS. */
  id: string;
  secrets: string[];
  actionsUrl: string | null;
}

/**
 * Every provider account centralino answers for: the single-account variables (TWILIO_AUTH_TOKEN...) as
 * the first, default account of each provider, then the accounts of PROVIDER_ACCOUNTS_FILE. Immutable:
 * a reload builds a new one and swaps it in whole.
 */
export class ProviderAccounts {
  constructor(
    readonly twilio: readonly TwilioAccount[],
    readonly vonage: readonly VonageAccount[],
    readonly telnyx: readonly TelnyxAccount[],
    readonly generic: readonly GenericGateway[],
  ) {}

  /**
   * The env accounts plus the file's (if any), validated; throws ConfigError naming the file and the bad
   * field (`twilio.1.authToken: ...`).
   */
  static load(env: Env, genericSecrets: readonly string[], path: string | null): ProviderAccounts {
    if (!path) return ProviderAccounts.build(env, genericSecrets, null);
    let raw: unknown;
    try {
      raw = parse(readFileSync(path, 'utf8'));
    } catch (error) {
      throw new ConfigError(`Cannot read provider accounts ${path}: ${(error as Error).message}`);
    }
    return ProviderAccounts.build(env, genericSecrets, raw ?? {}, path);
  }

  static build(
    env: Env,
    genericSecrets: readonly string[],
    raw: unknown,
    path = '(inline)',
  ): ProviderAccounts {
    let file: ProviderAccountsFile = { twilio: [], vonage: [], telnyx: [], generic: [] };
    if (raw !== null) {
      const parsed = providerAccountsFileSchema.safeParse(raw);
      if (!parsed.success) {
        throw new ConfigError(`Invalid provider accounts ${path}:\n${formatZodIssues(parsed.error)}`);
      }
      file = parsed.data;
    }
    const problems: string[] = [];
    const unique = (provider: string, field: string, values: (string | null)[], offset: number) => {
      const seen = new Set<string>();
      values.forEach((value, index) => {
        if (value === null) return;
        const where =
          index < offset ? `the single-account variables` : `${provider}.${index - offset}.${field}`;
        if (seen.has(value)) problems.push(`${where}: ${value} is already another ${provider} account's`);
        seen.add(value);
      });
    };

    const twilio: TwilioAccount[] = [];
    if (env.TWILIO_AUTH_TOKEN) {
      twilio.push({
        id: env.TWILIO_ACCOUNT_SID ?? DEFAULT_ACCOUNT_ID,
        accountSid: env.TWILIO_ACCOUNT_SID ?? null,
        authTokens: compact(env.TWILIO_AUTH_TOKEN, env.TWILIO_AUTH_TOKEN_PREVIOUS),
        apiBaseUrl: env.TWILIO_API_BASE_URL,
      });
    }
    const twilioEnv = twilio.length;
    for (const account of file.twilio) {
      twilio.push({
        id: account.accountSid,
        accountSid: account.accountSid,
        authTokens: compact(account.authToken, account.previousAuthToken),
        apiBaseUrl: account.apiBaseUrl ?? env.TWILIO_API_BASE_URL,
      });
    }
    unique(
      'twilio',
      'accountSid',
      twilio.map((account) => account.accountSid),
      twilioEnv,
    );

    const vonage: VonageAccount[] = [];
    if (env.VONAGE_SIGNATURE_SECRET) {
      vonage.push({
        id: env.VONAGE_APPLICATION_ID ?? DEFAULT_ACCOUNT_ID,
        applicationId: env.VONAGE_APPLICATION_ID ?? null,
        apiKey: null,
        signatureSecrets: compact(env.VONAGE_SIGNATURE_SECRET, env.VONAGE_SIGNATURE_SECRET_PREVIOUS),
        privateKey: env.VONAGE_APPLICATION_ID && env.VONAGE_PRIVATE_KEY ? pem(env.VONAGE_PRIVATE_KEY) : null,
        apiBaseUrl: env.VONAGE_API_BASE_URL,
      });
    }
    const vonageEnv = vonage.length;
    for (const account of file.vonage) {
      vonage.push({
        id: account.applicationId,
        applicationId: account.applicationId,
        apiKey: account.apiKey ?? null,
        signatureSecrets: compact(account.signatureSecret, account.previousSignatureSecret),
        privateKey: account.privateKey ? pem(account.privateKey) : null,
        apiBaseUrl: account.apiBaseUrl ?? env.VONAGE_API_BASE_URL,
      });
    }
    unique(
      'vonage',
      'applicationId',
      vonage.map((account) => account.applicationId),
      vonageEnv,
    );

    const telnyx: TelnyxAccount[] = [];
    // As before the file existed: without the API key centralino cannot act on a call, so it takes none.
    if (env.TELNYX_PUBLIC_KEY && env.TELNYX_API_KEY) {
      telnyx.push({
        id: DEFAULT_ACCOUNT_ID,
        connectionIds: [],
        callbackConnectionId: env.TELNYX_CONNECTION_ID ?? null,
        publicKeys: compact(env.TELNYX_PUBLIC_KEY, env.TELNYX_PUBLIC_KEY_PREVIOUS),
        apiKey: env.TELNYX_API_KEY,
        apiBaseUrl: env.TELNYX_API_BASE_URL,
      });
    }
    const telnyxEnv = telnyx.length;
    for (const account of file.telnyx) {
      telnyx.push({
        id: account.id,
        connectionIds: account.connectionIds,
        callbackConnectionId: account.callbackConnectionId ?? account.connectionIds[0] ?? null,
        publicKeys: compact(account.publicKey, account.previousPublicKey),
        apiKey: account.apiKey,
        apiBaseUrl: account.apiBaseUrl ?? env.TELNYX_API_BASE_URL,
      });
    }
    unique(
      'telnyx',
      'id',
      telnyx.map((account) => account.id),
      telnyxEnv,
    );
    const connections = new Map<string, string>();
    file.telnyx.forEach((account, index) =>
      account.connectionIds.forEach((connectionId) => {
        const owner = connections.get(connectionId);
        if (owner && owner !== account.id) {
          problems.push(`telnyx.${index}.connectionIds: ${connectionId} is already account ${owner}'s`);
        }
        connections.set(connectionId, account.id);
      }),
    );

    const generic: GenericGateway[] = [
      { id: DEFAULT_ACCOUNT_ID, secrets: [...genericSecrets], actionsUrl: env.GENERIC_ACTIONS_URL ?? null },
      ...file.generic.map((gateway) => ({
        id: gateway.keyId,
        secrets: compact(gateway.secret, gateway.previousSecret),
        actionsUrl: gateway.actionsUrl ?? null,
      })),
    ];
    unique(
      'generic',
      'keyId',
      generic.map((gateway) => gateway.id),
      1,
    );

    if (problems.length > 0) {
      throw new ConfigError(`Invalid provider accounts ${path}:\n${problems.join('\n')}`);
    }
    return new ProviderAccounts(twilio, vonage, telnyx, generic);
  }
}

function compact(...values: (string | undefined)[]): string[] {
  return values.filter((value): value is string => !!value);
}

/** A PEM given in one line with `\n` escapes (as environment variables carry it). */
function pem(text: string): string {
  return text.replace(/\\n/g, '\n');
}
