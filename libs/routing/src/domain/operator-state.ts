export const OPERATOR_STATES = ['offline', 'available', 'reserved', 'busy', 'wrap_up', 'away'] as const;
export type OperatorState = (typeof OPERATOR_STATES)[number];

/**
 * What a contact takes of an operator's capacity: a call takes the voice slot (the operator state
 * machine), a chat or an SMS conversation one of the text slots held next to it.
 */
export type CapacityChannel = 'voice' | 'chat';

export function capacityChannel(channel: string | undefined): CapacityChannel {
  return channel === 'chat' || channel === 'sms' ? 'chat' : 'voice';
}

/**
 * Operator states in which a chat may be offered: logged in and not away. A chat sits next to at most
 * one call, so a call ringing (reserved), connected (busy) or in wrap-up does not stop chats.
 */
export const CHAT_READY_STATES: readonly OperatorState[] = ['available', 'reserved', 'busy', 'wrap_up'];

export interface OperatorCapacity {
  /** 0 or 1 call at once. */
  voice: number;
  /** Chats held at once. */
  chat: number;
}

/**
 * True if the operator has room for one more contact of `channel`: the voice slot is free only when the
 * state is `available` (so never two calls), a text slot while fewer than `capacity.chat` chats are held.
 */
export function hasRoom(
  operator: { state: OperatorState; chats: number; capacity: OperatorCapacity },
  channel: CapacityChannel,
): boolean {
  if (channel === 'voice') return operator.capacity.voice > 0 && operator.state === 'available';
  return CHAT_READY_STATES.includes(operator.state) && operator.chats < operator.capacity.chat;
}

/** An operator's live routing view: profile from the database, state from Redis. */
export interface RoutableOperator {
  id: string;
  skills: Record<string, number>;
  languages: string[];
  /** When the operator last became free (ms); longest idle is served first. */
  idleSince: number;
  /** Chats held or offered now (spreads chats: fewer first). */
  chats?: number;
}
