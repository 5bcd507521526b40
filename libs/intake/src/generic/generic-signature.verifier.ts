import { createHmac, timingSafeEqual } from 'node:crypto';
import { DomainError } from '@centralino/contacts';

/**
 * The generic webhook signature: `Webhook-Signature: t=<unix seconds>,v1=<hex>[,v1=<hex>...]` where each
 * v1 is HMAC-SHA256(secret, `${t}.${rawBody}`). Several v1 values and several secrets are accepted so a
 * secret can be rotated without downtime; `t` must be within the tolerance of the server's clock.
 */
export class GenericSignatureVerifier {
  constructor(
    private readonly secrets: readonly string[],
    private readonly toleranceSeconds: number,
  ) {}

  static sign(secret: string, rawBody: string | Buffer, timestamp: number): string {
    return createHmac('sha256', secret).update(`${timestamp}.`).update(rawBody).digest('hex');
  }

  static header(secret: string, rawBody: string | Buffer, timestamp = Math.floor(Date.now() / 1000)): string {
    return `t=${timestamp},v1=${GenericSignatureVerifier.sign(secret, rawBody, timestamp)}`;
  }

  verify(
    header: string | undefined,
    rawBody: Buffer | undefined,
    nowSeconds = Math.floor(Date.now() / 1000),
  ): void {
    if (!header) throw new DomainError('signature_missing', 'The Webhook-Signature header is missing');
    const parts = header.split(',').map((part) => part.trim().split('='));
    const timestamp = Number(parts.find(([key]) => key === 't')?.[1]);
    const signatures = parts
      .filter(([key, value]) => key === 'v1' && /^[0-9a-f]{64}$/i.test(value ?? ''))
      .map(([, value]) => value);
    if (!Number.isInteger(timestamp) || signatures.length === 0) {
      throw new DomainError('signature_invalid', 'Webhook-Signature must look like t=<unix>,v1=<hex sha256>');
    }
    if (Math.abs(nowSeconds - timestamp) > this.toleranceSeconds) {
      throw new DomainError(
        'signature_expired',
        `Webhook-Signature timestamp is more than ${this.toleranceSeconds}s away from now`,
      );
    }
    const body = rawBody ?? Buffer.alloc(0);
    const valid = this.secrets.some((secret) => {
      const expected = Buffer.from(GenericSignatureVerifier.sign(secret, body, timestamp), 'hex');
      return signatures.some((candidate) => {
        const given = Buffer.from(candidate, 'hex');
        return given.length === expected.length && timingSafeEqual(given, expected);
      });
    });
    if (!valid) throw new DomainError('signature_invalid', 'Webhook-Signature does not match the body');
  }
}
