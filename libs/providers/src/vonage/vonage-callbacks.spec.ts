import { classifyCallbackStatus } from '@centralino/routing';
import { vonageCallbackStatus, vonageCallerNumber } from './vonage-callbacks';

describe('Vonage callbacks', () => {
  it('reads a Vonage caller id (E.164 without +) as a number to call back; anything else as it came', () => {
    expect(vonageCallerNumber('393331234567')).toBe('+393331234567');
    expect(vonageCallerNumber(' 14155550100 ')).toBe('+14155550100');
    expect(vonageCallerNumber('Unknown')).toBe('Unknown');
    expect(vonageCallerNumber('')).toBe('');
    expect(vonageCallerNumber('sip:anna@pbx.example.com')).toBe('sip:anna@pbx.example.com');
    expect(vonageCallerNumber('12345')).toBe('12345');
    expect(vonageCallerNumber('0212345678')).toBe('0212345678');
    expect(vonageCallerNumber(null)).toBeNull();
  });

  it('maps the outbound call statuses to the callback outcomes: answered, over, not reached, nothing', () => {
    const outcome = (status: string) => {
      const mapped = vonageCallbackStatus(status);
      return mapped === null ? 'ignored' : classifyCallbackStatus(mapped);
    };
    expect(outcome('answered')).toBe('answered');
    expect(outcome('completed')).toBe('ended');
    for (const status of ['busy', 'timeout', 'unanswered', 'rejected', 'failed', 'cancelled']) {
      expect(outcome(status)).toBe('not_reached');
    }
    for (const status of ['started', 'ringing', 'machine', 'human', 'transfer', 'input']) {
      expect(outcome(status)).toBe('ignored');
    }
    expect(vonageCallbackStatus('timeout')).toBe('no-answer');
    expect(vonageCallbackStatus('rejected')).toBe('failed');
    expect(vonageCallbackStatus('cancelled')).toBe('canceled');
  });
});
