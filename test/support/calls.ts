import { randomUUID } from 'node:crypto';
import { postGenericWebhook } from './webhook-client';

/** A generic-webhook `call.started` event with fresh ids. */
export function callStarted(overrides: Record<string, unknown> = {}) {
  return {
    id: `evt_${randomUUID()}`,
    type: 'call.started',
    callId: `call_${randomUUID()}`,
    from: '+393331234567',
    to: '+390200000000',
    ...overrides,
  };
}

export function callEnded(callId: string, reason = 'hangup') {
  return { id: `evt_${randomUUID()}`, type: 'call.ended', callId, reason };
}

/** Posts a generic `call.started` (signed) and returns the call's ids with the service's answer. */
export async function startGenericCall(baseUrl: string, overrides: Record<string, unknown> = {}) {
  const event = callStarted(overrides);
  const response = await postGenericWebhook(baseUrl, event);
  return {
    callId: event.callId as string,
    contactId: response.body.contactId as string,
    status: response.status,
    body: response.body,
  };
}

/** Posts a generic `call.ended` for `callId` (the caller hung up). */
export async function endGenericCall(baseUrl: string, callId: string): Promise<void> {
  await postGenericWebhook(baseUrl, callEnded(callId));
}
