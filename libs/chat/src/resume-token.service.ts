import { Injectable } from '@nestjs/common';
import { createHmac, timingSafeEqual } from 'node:crypto';
import { AppConfig } from '@centralino/config';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/**
 * The token a widget keeps in the browser's storage to resume its conversation after a reload or a blip:
 * `<conversationId>.<HMAC-SHA256>` under a key derived from the JWT secret (so it can never pass for an
 * operator's access token, and nothing needs storing to check it).
 */
@Injectable()
export class ResumeTokenService {
  private readonly key: Buffer;

  constructor(config: AppConfig) {
    this.key = createHmac('sha256', config.jwtSecret).update('centralino chat resume token').digest();
  }

  issue(conversationId: string): string {
    return `${conversationId}.${this.mac(conversationId)}`;
  }

  /** The conversation id the token was issued for, or null for a malformed or forged token. */
  verify(token: unknown): string | null {
    if (typeof token !== 'string' || token.length > 200) return null;
    const [conversationId, mac] = token.split('.');
    if (!conversationId || !mac || !UUID.test(conversationId)) return null;
    const expected = Buffer.from(this.mac(conversationId));
    const given = Buffer.from(mac);
    return given.length === expected.length && timingSafeEqual(given, expected) ? conversationId : null;
  }

  private mac(conversationId: string): string {
    return createHmac('sha256', this.key).update(conversationId).digest('base64url');
  }
}
