import { DomainError } from '@centralino/contacts';
import { InboxAccess } from './inbox-access';

function codeOf(action: () => void): string | null {
  try {
    action();
    return null;
  } catch (error) {
    return error instanceof DomainError ? error.code : 'not a DomainError';
  }
}

describe('InboxAccess', () => {
  const access = new InboxAccess(
    new Map([
      ['reception', []],
      ['accounting', ['anna']],
      ['warehouse', ['bruno']],
    ]),
    'reception',
  );

  it('supervisors and admins see every inbox', () => {
    expect(access.visibleTo({ username: 'sara', role: 'supervisor' })).toEqual([
      'reception',
      'accounting',
      'warehouse',
    ]);
    expect(access.visibleTo({ username: 'root', role: 'admin' })).toEqual([
      'reception',
      'accounting',
      'warehouse',
    ]);
  });

  it('an operator sees reception and the departments listing them', () => {
    expect(access.visibleTo({ username: 'anna', role: 'operator' })).toEqual(['reception', 'accounting']);
    expect(access.visibleTo({ username: 'carla', role: 'operator' })).toEqual(['reception']);
  });

  it('refuses another department with forbidden and an unknown inbox with not_found', () => {
    const anna = { username: 'anna', role: 'operator' } as const;
    expect(codeOf(() => access.assertCanSee(anna, 'warehouse'))).toBe('forbidden');
    expect(codeOf(() => access.assertCanSee(anna, 'legal'))).toBe('not_found');
    expect(() => access.assertCanSee(anna, 'accounting')).not.toThrow();
  });
});
