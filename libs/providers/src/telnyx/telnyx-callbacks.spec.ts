import { classifyCallbackStatus } from '@centralino/routing';
import { telnyxCallbackStatus } from './telnyx-callbacks';

describe('telnyxCallbackStatus', () => {
  it('an attempt seen answered is over when it hangs up, whatever the cause', () => {
    for (const cause of ['normal_clearing', 'originator_cancel', 'time_limit', undefined]) {
      expect(classifyCallbackStatus(telnyxCallbackStatus(cause, true))).toBe('ended');
    }
  });

  it('an attempt never answered did not reach the customer, recorded by its cause', () => {
    expect(telnyxCallbackStatus('user_busy', false)).toBe('busy');
    expect(telnyxCallbackStatus('timeout', false)).toBe('no-answer');
    expect(telnyxCallbackStatus('no_answer', false)).toBe('no-answer');
    expect(telnyxCallbackStatus('normal_clearing', false)).toBe('no-answer');
    expect(telnyxCallbackStatus('originator_cancel', false)).toBe('canceled');
    expect(telnyxCallbackStatus('call_rejected', false)).toBe('failed');
    expect(telnyxCallbackStatus('not_found', false)).toBe('failed');
    expect(telnyxCallbackStatus(undefined, false)).toBe('failed');
    for (const cause of ['user_busy', 'timeout', 'normal_clearing', 'call_rejected', 'something_new']) {
      expect(classifyCallbackStatus(telnyxCallbackStatus(cause, false))).toBe('not_reached');
    }
  });
});
