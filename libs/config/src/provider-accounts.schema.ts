import { createPublicKey } from 'node:crypto';
import { z } from 'zod';

/** DER prefix of an Ed25519 SubjectPublicKeyInfo; the 32 raw key bytes follow it. */
const ED25519_SPKI_PREFIX = Buffer.from('302a300506032b6570032100', 'hex');

/** A Telnyx public key as the portal shows it (base64 of 32 raw bytes) or as PEM: refused at load, not per request. */
export function isTelnyxPublicKey(text: string): boolean {
  try {
    const trimmed = text.trim();
    if (trimmed.startsWith('-----BEGIN')) return createPublicKey(trimmed).asymmetricKeyType === 'ed25519';
    const raw = Buffer.from(trimmed, 'base64');
    if (raw.length !== 32) return false;
    createPublicKey({ key: Buffer.concat([ED25519_SPKI_PREFIX, raw]), format: 'der', type: 'spki' });
    return true;
  } catch {
    return false;
  }
}

const telnyxKey = z
  .string()
  .min(1)
  .refine(isTelnyxPublicKey, 'an Ed25519 public key: base64 of the 32 raw bytes, or PEM');

const twilioAccountSchema = z.strictObject({
  /** The AccountSid Twilio posts in every webhook (`AccountSid` field) and puts in REST paths. */
  accountSid: z.string().regex(/^AC[0-9a-zA-Z]{8,}$/, 'an account SID such as AC0123...'),
  authToken: z.string().min(8),
  /** Still accepted on webhooks while Twilio switches to the new token (rotation). */
  previousAuthToken: z.string().min(8).optional(),
  apiBaseUrl: z.url().optional(),
});

const vonageAccountSchema = z.strictObject({
  /** The `application_id` claim of the signed callbacks, and the application whose key calls the Voice API. */
  applicationId: z.string().min(1),
  /** The account's `api_key` claim: checked against the callbacks when set. */
  apiKey: z.string().min(1).optional(),
  signatureSecret: z.string().min(16),
  previousSignatureSecret: z.string().min(16).optional(),
  /** The application's private key (PEM) for the Voice API; without it the account only receives. */
  privateKey: z.string().min(1).optional(),
  apiBaseUrl: z.url().optional(),
});

const telnyxAccountSchema = z.strictObject({
  /** The name stored on the contact (the Telnyx account or the Call Control application). */
  id: z.string().regex(/^[A-Za-z0-9._:-]{1,100}$/, 'letters, digits, . _ : - (at most 100)'),
  /** The Call Control connection ids (`connection_id` of the events) of this account; empty: any. */
  connectionIds: z.array(z.string().min(1)).default([]),
  /** The connection callbacks are placed through (`POST /calls`); default: the first of connectionIds. */
  callbackConnectionId: z.string().min(1).optional(),
  publicKey: telnyxKey,
  previousPublicKey: telnyxKey.optional(),
  apiKey: z.string().min(1),
  apiBaseUrl: z.url().optional(),
});

const genericGatewaySchema = z.strictObject({
  /** Sent by the gateway as `Webhook-Key-Id` (optional: without it every gateway's secrets are tried). */
  keyId: z.string().regex(/^[A-Za-z0-9._:-]{1,100}$/, 'letters, digits, . _ : - (at most 100)'),
  secret: z.string().min(16, 'needs 16+ characters'),
  previousSecret: z.string().min(16, 'needs 16+ characters').optional(),
  /** Where this gateway receives signed `call.actions` (docs/generic-webhook.md); unset: it polls. */
  actionsUrl: z.url().optional(),
});

/** `PROVIDER_ACCOUNTS_FILE`: several accounts per provider (docs/providers/README.md, "Several accounts"). */
export const providerAccountsFileSchema = z.strictObject({
  twilio: z.array(twilioAccountSchema).default([]),
  vonage: z.array(vonageAccountSchema).default([]),
  telnyx: z.array(telnyxAccountSchema).default([]),
  generic: z.array(genericGatewaySchema).default([]),
});

export type ProviderAccountsFile = z.infer<typeof providerAccountsFileSchema>;
