/**
 * The rules of callbacks (docs/routing.md, "Callbacks"), pure: which numbers can be called back, which
 * outbound call statuses mean the customer was reached, and what follows an attempt that did not reach
 * them. No I/O, no framework.
 */

/** What the policy needs from the front-office `callbacks` section. */
export interface CallbackPolicy {
  maxAttempts: number;
  retryDelaySeconds: number;
}

/** What follows an attempt that did not reach the customer. */
export type CallbackNextStep = { kind: 'retry'; at: number } | { kind: 'fail' };

const E164 = /^\+[1-9][0-9]{6,14}$/;

/**
 * The number to call in E.164 form, or null when it cannot be called: spaces, dots, dashes and brackets
 * are dropped, a leading `00` becomes `+`; anything else (letters, `client:` identities, "anonymous",
 * too short or too long) is refused.
 */
export function callbackNumber(raw: string | null | undefined): string | null {
  if (typeof raw !== 'string') return null;
  let number = raw.trim().replace(/[\s().-]/g, '');
  if (number.startsWith('00')) number = `+${number.slice(2)}`;
  return E164.test(number) ? number : null;
}

/** Statuses of an outbound call that mean the customer picked up (Twilio `in-progress`, generic `answered`). */
const ANSWERED = new Set(['answered', 'in-progress']);
/**
 * Statuses that mean the customer was not reached: the attempt counts and the policy decides what next.
 * `hangup` is a generic gateway's end of a call it never reported answered.
 */
const NOT_REACHED = new Set(['busy', 'no-answer', 'failed', 'canceled', 'no_status', 'hangup']);

/** How an outbound status reads: picked up, over (answered before, now hung up), not reached, or neither. */
export function classifyCallbackStatus(status: string): 'answered' | 'ended' | 'not_reached' | 'ignored' {
  if (ANSWERED.has(status)) return 'answered';
  if (status === 'completed') return 'ended';
  if (NOT_REACHED.has(status)) return 'not_reached';
  return 'ignored';
}

/**
 * After `attemptsMade` outbound calls, the last of which did not reach the customer (`now` in ms): try
 * again after the delay while attempts are left, else the callback has failed.
 */
export function nextCallbackStep(
  attemptsMade: number,
  policy: CallbackPolicy,
  now: number,
): CallbackNextStep {
  if (attemptsMade >= policy.maxAttempts) return { kind: 'fail' };
  return { kind: 'retry', at: now + policy.retryDelaySeconds * 1000 };
}
