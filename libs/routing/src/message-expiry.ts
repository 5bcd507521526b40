/**
 * A contact leaving a message (`messaging`: the voice flow, or the chat widget's form) that stays silent
 * this long has gone: what it said is kept, else it ends abandoned (timer `voice-message.expire`, handled
 * by libs/providers VoiceMessageFlow). Scheduled by whoever moves a contact to `messaging`.
 */
export const MESSAGE_EXPIRY_SECONDS = 600;

export function messageExpiryJobId(contactId: string): string {
  return `voice-message-expire.${contactId}`;
}
