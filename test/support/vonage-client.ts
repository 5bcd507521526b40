import { createHash, randomUUID } from 'node:crypto';
import { JwtService } from '@nestjs/jwt';

export interface VonageSigning {
  secret?: string;
  iat?: number;
  /** null: no `payload_hash` claim (a GET answer webhook). */
  payloadHash?: string | null;
}

/**
 * Posts Vonage Voice callbacks to a running centralino, signed exactly as Vonage signs them: an HS256 JWT
 * with the signature secret whose `payload_hash` is the body's SHA-256; parses the NCCO (or JSON error).
 */
export class VonageClient {
  constructor(
    readonly serviceUrl: string,
    readonly signatureSecret: string,
    readonly applicationId: string,
    /** The `api_key` claim: the Vonage account the application belongs to. */
    readonly apiKey = 'abcd1234',
  ) {}

  authorization(body: string, options: VonageSigning = {}): string {
    const claims: Record<string, unknown> = {
      iat: options.iat ?? Math.floor(Date.now() / 1000),
      jti: randomUUID(),
      iss: 'Vonage',
      api_key: this.apiKey,
      application_id: this.applicationId,
    };
    if (options.payloadHash !== null) {
      claims.payload_hash = options.payloadHash ?? createHash('sha256').update(body).digest('hex');
    }
    const token = new JwtService().sign(claims, {
      secret: options.secret ?? this.signatureSecret,
      algorithm: 'HS256',
    });
    return `Bearer ${token}`;
  }

  /** POST to `/webhooks/vonage/voice/{path}` (path may carry a query, e.g. `message?field=name`). */
  async post(
    path: string,
    payload: unknown,
    options: VonageSigning & { authorization?: string | null; rawBody?: string } = {},
  ) {
    const body = JSON.stringify(payload);
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    const authorization =
      options.authorization === undefined ? this.authorization(body, options) : options.authorization;
    if (authorization !== null) headers.authorization = authorization;
    const response = await fetch(`${this.serviceUrl}/webhooks/vonage/voice/${path}`, {
      method: 'POST',
      headers,
      body: options.rawBody ?? body,
    });
    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- NCCO or error body, asserted field by field
    return { status: response.status, body: (await response.json()) as any };
  }

  /** The answer webhook as Vonage calls it by default: GET with query parameters, no body. */
  async answer(call: Record<string, string>) {
    const query = new URLSearchParams(call).toString();
    const response = await fetch(`${this.serviceUrl}/webhooks/vonage/voice/answer?${query}`, {
      headers: { authorization: this.authorization('', { payloadHash: null }) },
    });
    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- NCCO
    return { status: response.status, body: (await response.json()) as any };
  }
}
