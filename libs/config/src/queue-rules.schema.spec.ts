import { FrontOfficeConfig } from './front-office-config';
import { ConfigError } from './config-error';

const base = (queue: Record<string, unknown> = {}) => ({
  company: { name: 'Test', defaultLanguage: 'it', languages: ['it'] },
  problemTypes: [
    { id: 'billing', name: { it: 'Fatture' }, ...queue },
    { id: 'reception', name: { it: 'Centralino' } },
  ],
});

describe('queue rules in the front-office schema', () => {
  it('defaults: the company calendar, announce when closed or full, no limits', () => {
    const config = FrontOfficeConfig.fromObject(base());
    const billing = config.problemType('billing')!;
    expect(billing.outOfHours).toEqual({ action: 'announce' });
    expect(billing.overflow).toEqual({ action: 'announce' });
    expect(billing.maxLength).toBeUndefined();
    expect(config.businessHoursFor('billing')).toBe(config.data.businessHours);
    expect(config.businessHoursFor('billing').alwaysOpen).toBe(true);
  });

  it('a queue calendar of its own is enforced unless it says alwaysOpen', () => {
    const config = FrontOfficeConfig.fromObject(
      base({
        businessHours: { timezone: 'Europe/Rome', weekly: { mon: [['09:00', '17:00']] } },
        outOfHours: { action: 'overflow', queue: 'reception' },
        maxLength: 5,
        maxWaitSeconds: 120,
        overflow: { action: 'message' },
      }),
    );
    expect(config.businessHoursFor('billing')).toMatchObject({ alwaysOpen: false, holidays: [] });
    expect(config.problemType('billing')!.outOfHours).toEqual({ action: 'overflow', queue: 'reception' });
  });

  it.each([
    [{ outOfHours: { action: 'overflow' } }, 'problemTypes.0.outOfHours.queue'],
    [{ overflow: { action: 'overflow', queue: 'billing' } }, 'problemTypes.0.overflow.queue'],
    [{ overflow: { action: 'overflow', queue: 'nowhere' } }, 'problemTypes.0.overflow.queue'],
    [{ overflow: { action: 'message', department: 'nobody' } }, 'problemTypes.0.overflow.department'],
    [
      { businessHours: { weekly: { mon: [['18:00', '09:00']] } } },
      'problemTypes.0.businessHours.weekly.mon.0',
    ],
    [{ businessHours: { timezone: 'Mars/Olympus' } }, 'problemTypes.0.businessHours.timezone'],
    [{ maxLength: 0 }, 'problemTypes.0.maxLength'],
  ])('refuses %j naming %s', (queue, path) => {
    expect(() => FrontOfficeConfig.fromObject(base(queue))).toThrow(ConfigError);
    expect(() => FrontOfficeConfig.fromObject(base(queue))).toThrow(path);
  });
});
