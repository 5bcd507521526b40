import { createHash, timingSafeEqual } from 'node:crypto';
import { verifySignature } from '@vonage/jwt';
import { DomainError } from '@centralino/contacts';

export interface SignedCallbackClaims {
  iat?: number;
  payload_hash?: string;
  /** Which account and application the callback is for (they choose the secret that checks it). */
  api_key?: unknown;
  application_id?: unknown;
}

/**
 * Vonage signed callbacks: `Authorization: Bearer <JWT>`, HS256 with the account's signature secret
 * (checked with `@vonage/jwt`), whose `payload_hash` claim is the SHA-256 of the raw body and whose `iat`
 * must be within the tolerance of the server's clock. Several secrets can be valid at once (the new and
 * the previous one while rotating): a JWT signed with any of them is accepted.
 */
export class VonageSignatureVerifier {
  private readonly secrets: string[];

  constructor(
    secrets: string | string[],
    private readonly toleranceSeconds: number,
  ) {
    this.secrets = typeof secrets === 'string' ? [secrets] : secrets;
  }

  verify(
    authorization: string | undefined,
    rawBody: Buffer | undefined,
    nowSeconds = Date.now() / 1000,
  ): void {
    const token = /^Bearer\s+(\S+)$/i.exec(authorization ?? '')?.[1];
    if (!token)
      throw new DomainError('signature_missing', 'The Authorization: Bearer <JWT> header is missing');
    const valid = this.secrets.some((secret) => {
      try {
        return verifySignature(token, secret);
      } catch {
        return false;
      }
    });
    if (!valid)
      throw new DomainError('signature_invalid', 'The callback JWT is not signed with the signature secret');
    const claims = VonageSignatureVerifier.claims(token);
    if (typeof claims.iat !== 'number' || Math.abs(nowSeconds - claims.iat) > this.toleranceSeconds) {
      throw new DomainError(
        'signature_expired',
        `The callback JWT was issued more than ${this.toleranceSeconds}s away from now`,
      );
    }
    const body = rawBody ?? Buffer.alloc(0);
    if (body.length === 0 && claims.payload_hash === undefined) return; // a GET answer webhook
    const expected = createHash('sha256').update(body).digest();
    const given = Buffer.from(String(claims.payload_hash ?? ''), 'hex');
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
      throw new DomainError('signature_invalid', 'payload_hash does not match the body');
    }
  }

  /**
   * The claims of the `Authorization: Bearer` token, not verified: whose secret checks the signature is
   * chosen by them, then verify() checks it. Empty for a missing or unreadable token.
   */
  static unverifiedClaims(authorization: string | undefined): SignedCallbackClaims {
    const token = /^Bearer\s+(\S+)$/i.exec(authorization ?? '')?.[1];
    return token ? VonageSignatureVerifier.claims(token) : {};
  }

  /** The claims of a token whose signature was already verified. */
  private static claims(token: string): SignedCallbackClaims {
    try {
      const claims: unknown = JSON.parse(
        Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8'),
      );
      return claims && typeof claims === 'object' ? (claims as SignedCallbackClaims) : {};
    } catch {
      return {};
    }
  }
}
