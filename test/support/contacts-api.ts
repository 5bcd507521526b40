import { OperatorClient } from './operator-client';

export interface ContactView {
  id: string;
  state: string;
  problemType: string | null;
  operatorId: string | null;
  queuedAt: string | null;
  connectedAt: string | null;
  endedAt: string | null;
  events: { type: string; at: string; data: Record<string, unknown> }[];
}

/** Reads a contact through the REST API, as a console or dashboard does. */
export async function getContact(
  baseUrl: string,
  contactId: string,
  username = 'anna',
): Promise<ContactView> {
  const { token } = await OperatorClient.login(baseUrl, username);
  const response = await fetch(`${baseUrl}/contacts/${contactId}`, {
    headers: { authorization: `Bearer ${token}` },
  });
  if (response.status !== 200) throw new Error(`GET /contacts/${contactId}: ${response.status}`);
  return (await response.json()) as ContactView;
}

/** Polls until the contact reaches `state` (state changes driven by timers are asynchronous). */
export async function waitForState(
  baseUrl: string,
  contactId: string,
  state: string,
  timeoutMs = 10_000,
): Promise<ContactView> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const contact = await getContact(baseUrl, contactId);
    if (contact.state === state) return contact;
    if (Date.now() > deadline) throw new Error(`contact ${contactId} is ${contact.state}, not ${state}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
