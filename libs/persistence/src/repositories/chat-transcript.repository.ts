import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { IsNull, LessThanOrEqual } from 'typeorm';
import { DatabaseService } from '../database.service';
import { ChatConversationEntity, ChatMessageEntity } from '../entities';

export type ChatConversationRecord = ChatConversationEntity;
export type ChatMessageRecord = ChatMessageEntity;

export interface NewChatMessage {
  conversationId: string;
  author: ChatMessageRecord['author'];
  text: string;
  operatorId?: string | null;
  clientId?: string | null;
  options?: unknown;
  at?: Date;
}

/** Web chat conversations and their transcripts (plain text, in order). */
@Injectable()
export class ChatTranscriptRepository {
  constructor(private readonly database: DatabaseService) {}

  async startConversation(language: string, customerName: string | null): Promise<ChatConversationRecord> {
    const conversation: ChatConversationRecord = {
      id: randomUUID(),
      language,
      customerName,
      startedAt: new Date(),
    };
    await this.database.transaction((manager) => manager.insert(ChatConversationEntity, conversation));
    return conversation;
  }

  findConversation(id: string): Promise<ChatConversationRecord | null> {
    return this.database.read((manager) => manager.findOneBy(ChatConversationEntity, { id }));
  }

  /**
   * Appends a message. A message the sender already sent (same clientId) is not stored again: the
   * stored one is returned with `created: false`.
   */
  async append(message: NewChatMessage): Promise<{ message: ChatMessageRecord; created: boolean }> {
    const record: ChatMessageRecord = {
      id: randomUUID(),
      conversationId: message.conversationId,
      author: message.author,
      operatorId: message.operatorId ?? null,
      clientId: message.clientId ?? null,
      text: message.text,
      options: message.options ?? null,
      at: message.at ?? new Date(),
      readAt: null,
    };
    return this.database.transaction(async (manager) => {
      if (record.clientId) {
        const inserted = await manager
          .createQueryBuilder()
          .insert()
          .into(ChatMessageEntity)
          .values(record)
          .orIgnore()
          .returning('id')
          .execute();
        if ((inserted.raw as unknown[]).length === 0) {
          const existing = await manager.findOneByOrFail(ChatMessageEntity, {
            conversationId: record.conversationId,
            clientId: record.clientId,
          });
          return { message: existing, created: false };
        }
        return { message: record, created: true };
      }
      await manager.insert(ChatMessageEntity, record);
      return { message: record, created: true };
    });
  }

  transcript(conversationId: string): Promise<ChatMessageRecord[]> {
    return this.database.read((manager) =>
      manager.find(ChatMessageEntity, { where: { conversationId }, order: { at: 'ASC', id: 'ASC' } }),
    );
  }

  /**
   * Marks as read every unread message of the other side written up to `upTo` (inclusive). Returns the ids
   * it marked, for the read receipts.
   */
  async markRead(
    conversationId: string,
    writtenBy: ChatMessageRecord['author'][],
    upTo: Date,
  ): Promise<string[]> {
    return this.database.transaction(async (manager) => {
      const unread = await manager.find(ChatMessageEntity, {
        where: writtenBy.map((author) => ({
          conversationId,
          author,
          readAt: IsNull(),
          at: LessThanOrEqual(upTo),
        })),
      });
      if (unread.length === 0) return [];
      const now = new Date();
      await manager.update(
        ChatMessageEntity,
        unread.map((message) => message.id),
        { readAt: now },
      );
      return unread.map((message) => message.id);
    });
  }

  findMessage(id: string): Promise<ChatMessageRecord | null> {
    return this.database.read((manager) => manager.findOneBy(ChatMessageEntity, { id }));
  }
}
