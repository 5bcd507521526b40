/** A message a caller left for a department, as the caller's history shows it. */
export interface CallerMessageSummary {
  id: string;
  contactId: string;
  recipient: string | null;
  status: string;
  createdAt: string;
  /** When the department answered or closed it, if it did. */
  answeredAt: string | null;
}

/**
 * The seam to the back office (libs/back-office): the messages a caller left. Optional: until a module
 * provides it, the caller history answers `messages: null` ("not available") rather than an empty list.
 */
export abstract class CallerMessagesSource {
  abstract forCaller(address: string, since: Date | null): Promise<CallerMessageSummary[]>;
}
