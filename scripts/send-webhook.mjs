#!/usr/bin/env node
// Signs and posts a generic webhook event, as a SIP gateway would (docs/generic-webhook.md).
// Usage: node scripts/send-webhook.mjs '{"type":"call.started","callId":"c1","from":"+393331234567","to":"+390200000000","digits":"1"}'
// The secret comes from GENERIC_WEBHOOK_SECRET or, out of the box, from var/generated-secrets.json.
import { createHmac, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';

const base = process.env.CENTRALINO_URL ?? 'http://localhost:3000';
const secret =
  process.env.GENERIC_WEBHOOK_SECRET ??
  JSON.parse(readFileSync(new URL('../var/generated-secrets.json', import.meta.url), 'utf8')).genericWebhookSecret;
const event = { id: `evt_${randomUUID()}`, ...JSON.parse(process.argv[2] ?? '{}') };
const raw = JSON.stringify(event);
const t = Math.floor(Date.now() / 1000);
const v1 = createHmac('sha256', secret).update(`${t}.${raw}`).digest('hex');
const response = await fetch(`${base}/webhooks/generic`, {
  method: 'POST',
  headers: { 'content-type': 'application/json', 'webhook-signature': `t=${t},v1=${v1}` },
  body: raw,
});
console.log(response.status, await response.text());
