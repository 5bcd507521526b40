import { createHmac } from 'node:crypto';

/** The header that carries the signature of an outgoing webhook. */
export const SIGNATURE_HEADER = 'Centralino-Signature';

/**
 * Signs outgoing webhooks the way centralino's own generic webhook is signed (docs/back-office.md):
 * `Centralino-Signature: t=<unix seconds>,v1=<hex>` where v1 = HMAC-SHA256(secret, `${t}.${body}`). A
 * receiver recomputes v1 over the raw body, compares in constant time, and rejects an old `t`.
 */
export class WebhookSigner {
  static signature(secret: string, body: string, timestamp: number): string {
    return createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex');
  }

  static header(secret: string, body: string, timestamp = Math.floor(Date.now() / 1000)): string {
    return `t=${timestamp},v1=${WebhookSigner.signature(secret, body, timestamp)}`;
  }
}
