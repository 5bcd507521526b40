import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError } from './config-error';
import { envSchema } from './env.schema';
import { ProviderAccounts } from './provider-accounts';

const env = (vars: Record<string, string> = {}) => envSchema.parse(vars);
const SID_A = 'AC0123456789abcdef0123456789abcdef';
const SID_B = 'ACfedcba9876543210fedcba9876543210';
const telnyxKey = generateKeyPairSync('ed25519')
  .publicKey.export({ type: 'spki', format: 'der' })
  .subarray(-32)
  .toString('base64');

function errorOf(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as Error).message;
  }
  throw new Error('no ConfigError');
}

describe('ProviderAccounts', () => {
  it('makes the single-account variables the default, first account of each provider', () => {
    const accounts = ProviderAccounts.build(
      env({
        TWILIO_AUTH_TOKEN: 'token-current',
        TWILIO_AUTH_TOKEN_PREVIOUS: 'token-previous',
        TWILIO_ACCOUNT_SID: SID_A,
        VONAGE_SIGNATURE_SECRET: 'vonage-secret-0123456789',
        TELNYX_PUBLIC_KEY: telnyxKey,
        TELNYX_API_KEY: 'KEY123',
        GENERIC_ACTIONS_URL: 'https://gw.example.com/actions',
      }),
      ['whsec_0123456789abcdef'],
      null,
    );
    expect(accounts.twilio).toEqual([
      {
        id: SID_A,
        accountSid: SID_A,
        authTokens: ['token-current', 'token-previous'],
        apiBaseUrl: 'https://api.twilio.com',
      },
    ]);
    // No application id: the env account answers for any application, as before accounts had ids.
    expect(accounts.vonage[0]).toMatchObject({ id: 'default', applicationId: null, privateKey: null });
    expect(accounts.telnyx[0]).toMatchObject({
      id: 'default',
      connectionIds: [],
      publicKeys: [telnyxKey],
      // No TELNYX_CONNECTION_ID: no connection to place callbacks through.
      callbackConnectionId: null,
    });
    expect(accounts.generic).toEqual([
      { id: 'default', secrets: ['whsec_0123456789abcdef'], actionsUrl: 'https://gw.example.com/actions' },
    ]);
  });

  it('has no Twilio, Vonage or Telnyx account without their variables or a file', () => {
    const accounts = ProviderAccounts.build(
      env({ TELNYX_PUBLIC_KEY: telnyxKey }),
      ['whsec_0123456789abcdef'],
      null,
    );
    expect([accounts.twilio, accounts.vonage, accounts.telnyx]).toEqual([[], [], []]);
  });

  it('adds the accounts of the file after the default one, read as YAML (or JSON)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'accounts-'));
    const file = join(dir, 'accounts.yaml');
    writeFileSync(
      file,
      [
        'twilio:',
        `  - { accountSid: ${SID_B}, authToken: token-b-current, previousAuthToken: token-b-previous }`,
        'vonage:',
        '  - { applicationId: app-b, apiKey: key-b, signatureSecret: vonage-b-secret-0123456789, privateKey: "-----BEGIN PRIVATE KEY-----\\\\nMII\\\\n-----END PRIVATE KEY-----" }',
        'telnyx:',
        `  - { id: telnyx-b, connectionIds: ["123"], publicKey: "${telnyxKey}", apiKey: KEYB, apiBaseUrl: "https://eu.telnyx.example/v2" }`,
        'generic:',
        '  - { keyId: gw-b, secret: whsec_b_0123456789abcdef, actionsUrl: "https://gw-b.example.com/a" }',
      ].join('\n'),
    );
    const accounts = ProviderAccounts.load(
      env({ TWILIO_AUTH_TOKEN: 'token-a-current', TWILIO_ACCOUNT_SID: SID_A }),
      ['whsec_0123456789abcdef'],
      file,
    );
    expect(accounts.twilio.map((account) => account.id)).toEqual([SID_A, SID_B]);
    expect(accounts.twilio[1]!.authTokens).toEqual(['token-b-current', 'token-b-previous']);
    expect(accounts.vonage[0]).toMatchObject({ id: 'app-b', apiKey: 'key-b' });
    expect(accounts.vonage[0]!.privateKey).toBe(
      '-----BEGIN PRIVATE KEY-----\nMII\n-----END PRIVATE KEY-----',
    );
    expect(accounts.telnyx[0]).toMatchObject({
      id: 'telnyx-b',
      apiBaseUrl: 'https://eu.telnyx.example/v2',
      // Callbacks go out through its first connection unless callbackConnectionId names another.
      callbackConnectionId: '123',
    });
    expect(accounts.generic.map((gateway) => gateway.id)).toEqual(['default', 'gw-b']);

    writeFileSync(file, JSON.stringify({ twilio: [{ accountSid: SID_B, authToken: 'token-b-current' }] }));
    expect(ProviderAccounts.load(env(), [], file).twilio.map((account) => account.id)).toEqual([SID_B]);
  });

  it.each([
    [{ twilio: [{ accountSid: 'XX123', authToken: 'token-b-current' }] }, 'twilio.0.accountSid'],
    [{ twilio: [{ accountSid: SID_B }] }, 'twilio.0.authToken'],
    [{ twilio: [{ accountSid: SID_B, authToken: 'token-b-current', authTokn: 'typo' }] }, 'twilio.0'],
    [{ vonage: [{ applicationId: 'app', signatureSecret: 'short' }] }, 'vonage.0.signatureSecret'],
    [{ telnyx: [{ id: 't', publicKey: 'bm90IGEga2V5', apiKey: 'K' }] }, 'telnyx.0.publicKey'],
    [{ generic: [{ keyId: 'gw b', secret: 'whsec_b_0123456789abcdef' }] }, 'generic.0.keyId'],
    [
      { generic: [{ keyId: 'gw', secret: 'whsec_b_0123456789abcdef', actionsUrl: 'nope' }] },
      'generic.0.actionsUrl',
    ],
    [{ sip: [] }, 'sip'],
    [
      {
        twilio: [
          { accountSid: SID_B, authToken: 'token-b-current' },
          { accountSid: SID_B, authToken: 'token-c-current' },
        ],
      },
      'twilio.1.accountSid',
    ],
    [{ twilio: [{ accountSid: SID_A, authToken: 'token-b-current' }] }, 'twilio.0.accountSid'],
    [{ generic: [{ keyId: 'default', secret: 'whsec_b_0123456789abcdef' }] }, 'generic.0.keyId'],
    [
      {
        telnyx: [
          { id: 'a', connectionIds: ['1'], publicKey: telnyxKey, apiKey: 'K' },
          { id: 'b', connectionIds: ['1'], publicKey: telnyxKey, apiKey: 'K' },
        ],
      },
      'telnyx.1.connectionIds',
    ],
  ])('refuses %j, naming %s', (raw, field) => {
    const message = errorOf(() =>
      ProviderAccounts.build(
        env({ TWILIO_AUTH_TOKEN: 'token-a-current', TWILIO_ACCOUNT_SID: SID_A }),
        ['whsec_0123456789abcdef'],
        raw,
        '/etc/centralino/accounts.yaml',
      ),
    );
    expect(message).toContain('Invalid provider accounts /etc/centralino/accounts.yaml');
    expect(message).toContain(`${field}`);
  });

  it('names an unreadable file', () => {
    expect(errorOf(() => ProviderAccounts.load(env(), [], '/nonexistent/accounts.yaml'))).toMatch(
      /^Cannot read provider accounts \/nonexistent\/accounts.yaml/,
    );
  });
});
