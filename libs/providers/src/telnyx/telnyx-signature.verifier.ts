import { createPublicKey, KeyObject, verify } from 'node:crypto';
import { DomainError } from '@centralino/contacts';

/** DER prefix of an Ed25519 SubjectPublicKeyInfo; the 32 raw key bytes follow it. */
const ED25519_SPKI_PREFIX = Buffer.from('302a300506032b6570032100', 'hex');

/**
 * Telnyx webhooks (API v2): `telnyx-signature-ed25519` is the base64 Ed25519 signature of
 * `${telnyx-timestamp}|${rawBody}` with Telnyx's key; the timestamp must be within the tolerance.
 * Several public keys can be valid at once (the new and the previous one while rotating).
 */
export class TelnyxSignatureVerifier {
  private readonly keys: KeyObject[];

  constructor(
    publicKeys: string | string[],
    private readonly toleranceSeconds: number,
  ) {
    this.keys = (typeof publicKeys === 'string' ? [publicKeys] : publicKeys).map((key) =>
      TelnyxSignatureVerifier.parseKey(key),
    );
  }

  /** The public key as shown in the Telnyx portal (base64 of the 32 raw bytes) or as PEM. */
  static parseKey(publicKey: string): KeyObject {
    const text = publicKey.trim();
    if (text.startsWith('-----BEGIN')) return createPublicKey(text);
    const raw = Buffer.from(text, 'base64');
    if (raw.length !== 32)
      throw new Error('TELNYX_PUBLIC_KEY must be base64 of 32 bytes or a PEM public key');
    return createPublicKey({ key: Buffer.concat([ED25519_SPKI_PREFIX, raw]), format: 'der', type: 'spki' });
  }

  verify(
    signature: string | undefined,
    timestamp: string | undefined,
    rawBody: Buffer | undefined,
    nowSeconds = Date.now() / 1000,
  ): void {
    if (!signature || !timestamp) {
      throw new DomainError(
        'signature_missing',
        'telnyx-signature-ed25519 and telnyx-timestamp are required',
      );
    }
    const seconds = Number(timestamp);
    if (!/^\d{1,12}$/.test(timestamp) || Math.abs(nowSeconds - seconds) > this.toleranceSeconds) {
      throw new DomainError(
        'signature_expired',
        `telnyx-timestamp is more than ${this.toleranceSeconds}s away from now`,
      );
    }
    const message = Buffer.concat([Buffer.from(`${timestamp}|`), rawBody ?? Buffer.alloc(0)]);
    const given = Buffer.from(signature, 'base64');
    const valid = this.keys.some((key) => {
      try {
        return verify(null, message, key, given);
      } catch {
        return false;
      }
    });
    if (!valid)
      throw new DomainError('signature_invalid', 'telnyx-signature-ed25519 does not match the body');
  }
}
