import { Injectable } from '@nestjs/common';
import { AppConfig } from '@centralino/config';
import { SIGNATURE_HEADER, WebhookSigner } from './webhook-signer';

/** Posts a signed JSON body to a department's webhook; anything but a 2xx answer in time is a failure. */
@Injectable()
export class WebhookSender {
  constructor(private readonly config: AppConfig) {}

  async post(url: string, secret: string, body: string, headers: Record<string, string>): Promise<void> {
    let response: Response;
    try {
      response = await fetch(url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'user-agent': 'centralino',
          [SIGNATURE_HEADER]: WebhookSigner.header(secret, body),
          ...headers,
        },
        body,
        // A redirect could send the signed message somewhere else: treat it as a failure instead.
        redirect: 'manual',
        signal: AbortSignal.timeout(this.config.env.DELIVERY_TIMEOUT_MS),
      });
    } catch (error) {
      const cause = (error as { cause?: { code?: string } }).cause?.code;
      throw new Error(`POST failed: ${(error as Error).message}${cause ? ` (${cause})` : ''}`);
    }
    await response.body?.cancel();
    if (response.status < 200 || response.status >= 300) {
      throw new Error(`The webhook answered HTTP ${response.status}`);
    }
  }
}
