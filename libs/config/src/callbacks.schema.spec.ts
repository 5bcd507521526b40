import { ConfigError } from './config-error';
import { FrontOfficeConfig } from './front-office-config';

const base = (callbacks?: Record<string, unknown>) => ({
  company: { name: 'Test', defaultLanguage: 'it', languages: ['it'] },
  problemTypes: [{ id: 'reception', name: { it: 'Centralino' } }],
  ...(callbacks ? { callbacks } : {}),
});

describe('callbacks in the front-office schema', () => {
  it('is off when absent, and has defaults when present', () => {
    expect(FrontOfficeConfig.fromObject(base()).data.callbacks).toBeUndefined();
    expect(FrontOfficeConfig.fromObject(base({})).data.callbacks).toEqual({
      digit: '9',
      maxAttempts: 3,
      retryDelaySeconds: 600,
      ringSeconds: 30,
    });
  });

  it.each([
    [{ maxAttempts: 0 }, 'callbacks.maxAttempts'],
    [{ retryDelaySeconds: 0 }, 'callbacks.retryDelaySeconds'],
    [{ digit: '99' }, 'callbacks.digit'],
    [{ fromNumber: '02 1234567' }, 'callbacks.fromNumber'],
    [{ provider: 'vonage' }, 'callbacks.provider'],
  ])('refuses %j, naming %s', (callbacks, path) => {
    expect(() => FrontOfficeConfig.fromObject(base(callbacks))).toThrow(ConfigError);
    expect(() => FrontOfficeConfig.fromObject(base(callbacks))).toThrow(path);
  });
});
