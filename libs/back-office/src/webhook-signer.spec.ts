import { createHmac } from 'node:crypto';
import { WebhookSigner } from './webhook-signer';

describe('WebhookSigner', () => {
  it('signs the timestamp, a dot and the raw body with HMAC-SHA256', () => {
    const body = '{"event":"department_message.created"}';
    const expected = createHmac('sha256', 'a-secret-of-16-chars').update(`1700000000.${body}`).digest('hex');
    expect(WebhookSigner.header('a-secret-of-16-chars', body, 1700000000)).toBe(
      `t=1700000000,v1=${expected}`,
    );
  });

  it('changes with the body, the timestamp and the secret', () => {
    const base = WebhookSigner.signature('secret-0123456789', 'body', 1);
    expect(WebhookSigner.signature('secret-0123456789', 'body!', 1)).not.toBe(base);
    expect(WebhookSigner.signature('secret-0123456789', 'body', 2)).not.toBe(base);
    expect(WebhookSigner.signature('secret-9876543210', 'body', 1)).not.toBe(base);
  });
});
