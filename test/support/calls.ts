import { randomUUID } from 'node:crypto';

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
