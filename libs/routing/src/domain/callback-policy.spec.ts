import fc from 'fast-check';
import { callbackNumber, classifyCallbackStatus, nextCallbackStep } from './callback-policy';

describe('callback policy', () => {
  const policy = { maxAttempts: 3, retryDelaySeconds: 600 };

  it('retries after the delay while attempts are left, then fails', () => {
    const now = Date.UTC(2026, 11, 3, 9, 0, 0);
    expect(nextCallbackStep(1, policy, now)).toEqual({ kind: 'retry', at: now + 600_000 });
    expect(nextCallbackStep(2, policy, now)).toEqual({ kind: 'retry', at: now + 600_000 });
    expect(nextCallbackStep(3, policy, now)).toEqual({ kind: 'fail' });
    expect(nextCallbackStep(1, { maxAttempts: 1, retryDelaySeconds: 5 }, now)).toEqual({ kind: 'fail' });
  });

  it('places exactly maxAttempts calls for a customer who never answers', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 10 }), fc.integer({ min: 1, max: 86_400 }), (max, delay) => {
        let attempts = 0;
        for (;;) {
          attempts++;
          const step = nextCallbackStep(attempts, { maxAttempts: max, retryDelaySeconds: delay }, 0);
          if (step.kind === 'fail') break;
          expect(step.at).toBe(delay * 1000);
        }
        expect(attempts).toBe(max);
      }),
    );
  });

  it('reads the outbound statuses of Twilio and the generic gateway', () => {
    expect(classifyCallbackStatus('in-progress')).toBe('answered');
    expect(classifyCallbackStatus('answered')).toBe('answered');
    expect(classifyCallbackStatus('completed')).toBe('ended');
    for (const status of ['busy', 'no-answer', 'failed', 'canceled', 'no_status', 'hangup']) {
      expect(classifyCallbackStatus(status)).toBe('not_reached');
    }
    // Progress before the answer changes nothing.
    expect(classifyCallbackStatus('ringing')).toBe('ignored');
    expect(classifyCallbackStatus('initiated')).toBe('ignored');
  });

  it('accepts callable numbers in E.164 and refuses the rest', () => {
    expect(callbackNumber('+39 333 123-4567')).toBe('+393331234567');
    expect(callbackNumber('0039 (02) 1234567')).toBe('+39021234567');
    expect(callbackNumber('+390212345678')).toBe('+390212345678');
    for (const bad of [
      'anonymous',
      'client:anna',
      '3331234567',
      '+0123456789',
      '+12',
      '+1234567890123456',
      '',
      null,
    ]) {
      expect(callbackNumber(bad)).toBeNull();
    }
  });
});
