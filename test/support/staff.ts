import { OperatorClient } from './operator-client';

/**
 * Adds a supervisor (sara, team front) and an admin (root) to a fixture config, password "centralino"
 * like the other test operators: use with writeFixtureConfig.
 */
export function withStaff(config: Record<string, unknown>): void {
  const operators = config.operators as { passwordHash: string }[];
  const passwordHash = operators[0].passwordHash;
  operators.push(
    { username: 'sara', displayName: 'Sara', role: 'supervisor', passwordHash, languages: ['it'] } as never,
    { username: 'root', displayName: 'Root', role: 'admin', passwordHash, languages: ['it'] } as never,
  );
}

/** Logs `username` in and returns the bearer header for REST calls. */
export async function bearer(baseUrl: string, username: string): Promise<Record<string, string>> {
  const { token } = await OperatorClient.login(baseUrl, username);
  return { authorization: `Bearer ${token}` };
}

/** A JSON request with a bearer token; returns the status and the parsed body (null when empty). */
export async function requestJson(
  baseUrl: string,
  method: string,
  path: string,
  headers: Record<string, string>,
  body?: unknown,
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- any JSON body, asserted field by field
): Promise<{ status: number; body: any }> {
  const response = await fetch(`${baseUrl}${path}`, {
    method,
    headers: { ...headers, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : null };
}
