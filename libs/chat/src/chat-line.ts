import type { ChatMessageRecord } from '@centralino/persistence';
import type { ChatLine, QuickReply } from '@centralino/realtime/chat-events.contract';

/** The contract's view of a stored transcript line. */
export function toChatLine(record: ChatMessageRecord, operatorNames: ReadonlyMap<string, string>): ChatLine {
  return {
    id: record.id,
    author: record.author,
    text: record.text,
    at: record.at.getTime(),
    ...(record.operatorId ? { operatorName: operatorNames.get(record.operatorId) ?? '' } : {}),
    ...(record.options ? { options: record.options as QuickReply[] } : {}),
    readAt: record.readAt ? record.readAt.getTime() : null,
  };
}

/** The provider name of web chat contacts; their externalId is the conversation id. */
export const WEBCHAT_PROVIDER = 'webchat';
