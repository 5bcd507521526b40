import { FrontOfficeConfig } from '@centralino/config';
import { DomainError } from '@centralino/contacts';
import { DepartmentDirectory } from './department-directory';

function directory(backOffice?: unknown): DepartmentDirectory {
  return new DepartmentDirectory(
    FrontOfficeConfig.fromObject({
      company: { name: 'Acme', defaultLanguage: 'it', languages: ['it'] },
      problemTypes: [{ id: 'reception', name: { it: 'Centralino' } }],
      operators: [{ username: 'anna', displayName: 'Anna', languages: ['it'] }],
      directory: [
        { id: 'accounting', kind: 'department', name: 'Accounting' },
        { id: 'maria-rossi', kind: 'person', name: 'Maria Rossi', department: 'accounting' },
        { id: 'luca', kind: 'person', name: 'Luca' },
      ],
      ...(backOffice === undefined ? {} : { backOffice }),
    }),
  );
}

describe('DepartmentDirectory', () => {
  it('puts a message in the department, the person’s department, or reception', () => {
    const departments = directory();
    expect(departments.inboxFor('accounting')).toBe('accounting');
    expect(departments.inboxFor('maria-rossi')).toBe('accounting');
    expect(departments.inboxFor('luca')).toBe('reception');
    expect(departments.inboxFor('nobody-we-know')).toBe('reception');
    expect(departments.inboxFor(null)).toBe('reception');
  });

  it('lists reception and the directory departments as inboxes', () => {
    expect(directory().list()).toEqual([
      { id: 'reception', name: 'Reception' },
      { id: 'accounting', name: 'Accounting' },
    ]);
  });

  it('assigns to operators by username and to people by directory id, nothing else', () => {
    const departments = directory({ departments: { accounting: { members: ['anna'] } } });
    expect(departments.assignee('anna')).toEqual({ id: 'anna', name: 'Anna' });
    expect(departments.assignee('maria-rossi')).toEqual({ id: 'maria-rossi', name: 'Maria Rossi' });
    expect(() => departments.assignee('accounting')).toThrow(DomainError);
    expect(departments.assigneesOf('accounting')).toEqual([
      { id: 'anna', name: 'Anna' },
      { id: 'maria-rossi', name: 'Maria Rossi' },
    ]);
  });

  it('the front-office file refuses back-office settings for unknown departments or members', () => {
    expect(() => directory({ departments: { legal: {} } })).toThrow(
      /backOffice\.departments\.legal: legal is not a department/,
    );
    expect(() => directory({ departments: { accounting: { members: ['zoe'] } } })).toThrow(
      /backOffice\.departments\.accounting\.members\.0: zoe is not one of the operators/,
    );
    expect(() =>
      directory({ departments: { accounting: { webhook: { url: 'not a url', secret: 'short' } } } }),
    ).toThrow(/backOffice\.departments\.accounting\.webhook/);
    expect(() => directory({ departments: { reception: { email: ['desk@acme.test'] } } })).not.toThrow();
  });
});
