import { GenericSignatureVerifier } from '@centralino/intake';
import { TEST_WEBHOOK_SECRET } from './test-service';

export interface HttpResult<T = Record<string, unknown>> {
  status: number;
  body: T;
}

/** Posts a generic webhook signed exactly as a gateway would. */
export async function postGenericWebhook(
  baseUrl: string,
  event: unknown,
  options: { secret?: string; timestamp?: number; signature?: string | null } = {},
): Promise<HttpResult> {
  const raw = typeof event === 'string' ? event : JSON.stringify(event);
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  const signature =
    options.signature === undefined
      ? GenericSignatureVerifier.header(options.secret ?? TEST_WEBHOOK_SECRET, raw, options.timestamp)
      : options.signature;
  if (signature !== null) headers['webhook-signature'] = signature;
  const response = await fetch(`${baseUrl}/webhooks/generic`, { method: 'POST', headers, body: raw });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

export async function postJson(baseUrl: string, path: string, body: unknown): Promise<HttpResult> {
  const response = await fetch(`${baseUrl}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}
