import { TakenMessage } from './taken-message';

/**
 * The port through which whoever takes a message (routing, intake, chat) hands it to the back office.
 * Implemented by libs/back-office; `accept` must be durable when it resolves (the caller's contact is
 * then ended `message_taken`), and idempotent per contactId because callers retry.
 */
export abstract class DepartmentMessageSink {
  abstract accept(message: TakenMessage): Promise<void>;
}
