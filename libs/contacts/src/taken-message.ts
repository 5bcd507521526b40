/** Where a taken message came from. */
export type TakenMessageSource = 'operator' | 'voice' | 'chat' | 'out_of_hours' | 'overflow';

/**
 * A message taken for a department or a person when nobody could answer: by an operator, by the voice
 * flow (out of hours, queue overflow) or by the chat widget. The contact it came from ends
 * `message_taken`; the back office (libs/back-office) stores it, shows it in the department's inbox and
 * delivers it to the department's own tools.
 */
export interface TakenMessage {
  contactId: string;
  source: TakenMessageSource;
  /** Directory id of the department (or person) the message is for; null = the reception desk. */
  recipientId: string | null;
  /** The caller's address as the provider gave it (full number: it is needed to call back). */
  callerAddress: string;
  callerName?: string;
  /** Where the caller wants to be reached, when not the address they called from. */
  callbackAddress?: string;
  problemType: string | null;
  language: string | null;
  text: string;
  urgency: 'normal' | 'urgent';
  /** Operator who took it, when one did. */
  takenBy?: string;
  takenAt: Date;
}
