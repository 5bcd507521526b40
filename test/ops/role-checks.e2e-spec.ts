import { writeFixtureConfig } from '../support/fixture-config';
import { bearer, withStaff } from '../support/staff';
import { startTestService, TestService } from '../support/test-service';

type Operation = { 'x-roles'?: string[] };
const METHODS = ['get', 'post', 'put', 'patch', 'delete'];
const SOME_UUID = '00000000-0000-4000-8000-000000000000';

/**
 * Every route restricted by role, read from the OpenAPI document (the `@Roles` decorator adds `x-roles`),
 * so a new admin or supervisor route is checked without anyone listing it here.
 */
describe('Role checks on every admin and supervisor route', () => {
  let service: TestService;
  let operations: { method: string; path: string; roles: string[] | undefined }[];

  beforeAll(async () => {
    service = await startTestService('pglite', { FRONT_OFFICE_CONFIG: writeFixtureConfig(withStaff) });
    const document = (await (await fetch(`${service.url}/docs/json`)).json()) as {
      paths: Record<string, Record<string, Operation>>;
    };
    operations = Object.entries(document.paths).flatMap(([path, item]) =>
      Object.entries(item)
        .filter(([method]) => METHODS.includes(method))
        .map(([method, operation]) => ({ method, path, roles: operation['x-roles'] })),
    );
  }, 120_000);

  afterAll(async () => {
    await service.stop();
  });

  const url = (path: string) => `${service.url}${path.replace(/\{[^}]+\}/g, SOME_UUID)}`;

  it('restricts every /admin route to admins', () => {
    const admin = operations.filter((operation) => operation.path.startsWith('/admin'));
    expect(admin.length).toBeGreaterThanOrEqual(6);
    expect(admin.filter((operation) => operation.roles?.join() !== 'admin')).toEqual([]);
  });

  it('answers 403 to an operator (and to a supervisor on admin routes) on every restricted route', async () => {
    const restricted = operations.filter((operation) => operation.roles);
    expect(restricted.some((operation) => operation.roles!.includes('supervisor'))).toBe(true);
    const tokens = {
      operator: await bearer(service.url, 'anna'),
      supervisor: await bearer(service.url, 'sara'),
    };
    const failures: string[] = [];
    for (const operation of restricted) {
      for (const [role, headers] of Object.entries(tokens)) {
        if (operation.roles!.includes(role)) continue;
        const response = await fetch(url(operation.path), {
          method: operation.method.toUpperCase(),
          headers: {
            ...headers,
            ...(operation.method === 'get' ? {} : { 'content-type': 'application/json' }),
          },
          body: operation.method === 'get' ? undefined : '{}',
        });
        const body = (await response.json()) as { error?: string };
        if (response.status !== 403 || body.error !== 'forbidden')
          failures.push(`${role} ${operation.method} ${operation.path}: ${response.status}`);
      }
    }
    expect(failures).toEqual([]);
  });

  it('lets an admin through the role check on every restricted route', async () => {
    const headers = await bearer(service.url, 'root');
    for (const operation of operations.filter((entry) => entry.roles && entry.method === 'get')) {
      const response = await fetch(url(operation.path), { headers });
      await response.body?.cancel();
      expect([operation.path, response.status]).not.toEqual([operation.path, 403]);
      expect([operation.path, response.status]).not.toEqual([operation.path, 401]);
    }
  });
});
