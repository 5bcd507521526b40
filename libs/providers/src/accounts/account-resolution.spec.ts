import type { GenericGateway, TelnyxAccount, TwilioAccount, VonageAccount } from '@centralino/config';
import { DomainError } from '@centralino/contacts';
import {
  assertSignedByOwner,
  firstVerified,
  genericCandidates,
  telnyxCandidates,
  twilioAccountFor,
  vonageAccountFor,
} from './account-resolution';

const twilio = (accountSid: string | null): TwilioAccount => ({
  id: accountSid ?? 'default',
  accountSid,
  authTokens: [`token-${accountSid}`],
  apiBaseUrl: 'https://api.twilio.com',
});
const vonage = (applicationId: string | null, apiKey: string | null = null): VonageAccount => ({
  id: applicationId ?? 'default',
  applicationId,
  apiKey,
  signatureSecrets: ['s'],
  privateKey: null,
  apiBaseUrl: 'https://api.nexmo.com',
});
const telnyx = (id: string, connectionIds: string[] = []): TelnyxAccount => ({
  id,
  connectionIds,
  callbackConnectionId: null,
  publicKeys: [],
  apiKey: 'K',
  apiBaseUrl: 'https://api.telnyx.com/v2',
});
const gateway = (id: string): GenericGateway => ({ id, secrets: [`secret-${id}`], actionsUrl: null });

function codeOf(run: () => unknown): string | undefined {
  try {
    run();
    return undefined;
  } catch (error) {
    return (error as DomainError).code;
  }
}

describe('provider account resolution', () => {
  describe('Twilio: by AccountSid', () => {
    const a = twilio('ACaaaaaaaaaa');
    const b = twilio('ACbbbbbbbbbb');

    it('picks the account the AccountSid names, the default one when there is none', () => {
      expect(twilioAccountFor([a, b], 'ACbbbbbbbbbb')).toBe(b);
      expect(twilioAccountFor([a, b], 'ACaaaaaaaaaa')).toBe(a);
      expect(twilioAccountFor([a, b], undefined)).toBe(a);
    });

    it('refuses an AccountSid no account has', () => {
      expect(codeOf(() => twilioAccountFor([a, b], 'ACcccccccccc'))).toBe('signature_account_unknown');
    });

    it('lets the env account without TWILIO_ACCOUNT_SID answer for any other AccountSid', () => {
      const open = twilio(null);
      expect(twilioAccountFor([open, b], 'ACcccccccccc')).toBe(open);
      expect(twilioAccountFor([open, b], 'ACbbbbbbbbbb')).toBe(b);
    });
  });

  describe('Vonage: by the application_id (or api_key) claim', () => {
    const a = vonage('app-a', 'key-a');
    const b = vonage('app-b', 'key-b');

    it('picks the application the claim names', () => {
      expect(vonageAccountFor([a, b], { application_id: 'app-b', api_key: 'key-b' })).toBe(b);
      expect(vonageAccountFor([a, b], { api_key: 'key-b' })).toBe(b);
      expect(vonageAccountFor([a, b], {})).toBe(a);
    });

    it('refuses an unknown application, and an api_key that is not the application account', () => {
      expect(codeOf(() => vonageAccountFor([a, b], { application_id: 'app-c' }))).toBe(
        'signature_account_unknown',
      );
      expect(codeOf(() => vonageAccountFor([a, b], { application_id: 'app-b', api_key: 'key-a' }))).toBe(
        'signature_account_unknown',
      );
      expect(codeOf(() => vonageAccountFor([a, b], { api_key: 'key-c' }))).toBe('signature_account_unknown');
    });

    it('lets the env account without VONAGE_APPLICATION_ID answer for any other application', () => {
      const open = vonage(null);
      expect(vonageAccountFor([open, b], { application_id: 'app-c', api_key: 'abcd1234' })).toBe(open);
      expect(vonageAccountFor([open, b], { application_id: 'app-b' })).toBe(b);
    });
  });

  describe('Telnyx: by connection, then by key', () => {
    const a = telnyx('a', ['conn-a']);
    const b = telnyx('b', ['conn-b']);
    const any = telnyx('any');

    it('narrows to the accounts of the connection, else to those that list none', () => {
      expect(telnyxCandidates([a, b, any], 'conn-b')).toEqual([b]);
      expect(telnyxCandidates([a, b, any], 'conn-x')).toEqual([any]);
      expect(telnyxCandidates([a, b, any], undefined)).toEqual([a, b, any]);
    });

    it('refuses a connection no account has when every account lists its own', () => {
      expect(codeOf(() => telnyxCandidates([a, b], 'conn-x'))).toBe('signature_account_unknown');
    });
  });

  describe('generic: by Webhook-Key-Id', () => {
    const gateways = [gateway('default'), gateway('gw-b')];

    it('names one gateway, or all of them without the header', () => {
      expect(genericCandidates(gateways, 'gw-b')).toEqual([gateways[1]]);
      expect(genericCandidates(gateways, undefined)).toEqual(gateways);
      expect(codeOf(() => genericCandidates(gateways, 'gw-x'))).toBe('signature_account_unknown');
    });
  });

  describe("assertSignedByOwner: a known contact's webhooks come from its own account", () => {
    it('accepts the owner, refuses another account and a contact whose account is gone', () => {
      expect(codeOf(() => assertSignedByOwner({ id: 'a' }, { id: 'a' }, 'Twilio'))).toBeUndefined();
      expect(codeOf(() => assertSignedByOwner({ id: 'a' }, { id: 'b' }, 'Twilio'))).toBe(
        'signature_account_mismatch',
      );
      expect(codeOf(() => assertSignedByOwner(undefined, { id: 'b' }, 'Twilio'))).toBe(
        'signature_account_mismatch',
      );
    });

    it("does not name the owner's account", () => {
      let message = '';
      try {
        assertSignedByOwner({ id: 'ACowner' }, { id: 'ACother' }, 'Twilio');
      } catch (error) {
        message = (error as Error).message;
      }
      expect(message).toMatch(/another Twilio account/);
      expect(message).not.toContain('ACowner');
    });
  });

  describe('firstVerified', () => {
    const invalid = () => {
      throw new DomainError('signature_invalid', 'no');
    };

    it('returns the first candidate whose check passes', () => {
      expect(firstVerified(['a', 'b', 'c'], (candidate) => (candidate === 'b' ? undefined : invalid()))).toBe(
        'b',
      );
    });

    it('refuses when none passes, and at once on a refusal that is not about the secret', () => {
      expect(codeOf(() => firstVerified(['a', 'b'], invalid))).toBe('signature_invalid');
      expect(codeOf(() => firstVerified([], invalid))).toBe('signature_invalid');
      const checked: string[] = [];
      expect(
        codeOf(() =>
          firstVerified(['a', 'b'], (candidate) => {
            checked.push(candidate);
            throw new DomainError('signature_expired', 'stale');
          }),
        ),
      ).toBe('signature_expired');
      expect(checked).toEqual(['a']);
    });
  });
});
