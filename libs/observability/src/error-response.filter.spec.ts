import { DomainError } from '@centralino/contacts';
import { toErrorBody } from './error-response';
import { retryAfterSeconds } from './error-response.filter';

describe('retryAfterSeconds', () => {
  it('reads a rate_limited domain error in whole seconds, at least 1', () => {
    const body = (details: Record<string, unknown>) =>
      toErrorBody(new DomainError('rate_limited', 'slow down', details));
    expect(retryAfterSeconds(body({ retryAfterSeconds: 42 }))).toBe(42);
    expect(retryAfterSeconds(body({ retryAfterSeconds: 0.2 }))).toBe(1);
    expect(retryAfterSeconds(body({ retryAfterMs: 1500 }))).toBe(2);
  });

  it('is null for other errors and for a 429 that does not say how long', () => {
    expect(
      retryAfterSeconds(toErrorBody(new DomainError('forbidden', 'no', { retryAfterSeconds: 5 }))),
    ).toBeNull();
    expect(retryAfterSeconds(toErrorBody(new DomainError('rate_limited', 'slow down')))).toBeNull();
  });
});
