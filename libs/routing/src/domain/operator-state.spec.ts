import { capacityChannel, hasRoom, OperatorState } from './operator-state';

describe('capacity per channel', () => {
  const operator = (state: OperatorState, chats: number, voice = 1, chat = 3) => ({
    state,
    chats,
    capacity: { voice, chat },
  });

  it('maps chats and SMS to the chat slots, calls to the voice slot', () => {
    expect(capacityChannel('voice')).toBe('voice');
    expect(capacityChannel('chat')).toBe('chat');
    expect(capacityChannel('sms')).toBe('chat');
    expect(capacityChannel(undefined)).toBe('voice');
  });

  it('has room for a call only when available and voice-capable, whatever the chats held', () => {
    expect(hasRoom(operator('available', 2), 'voice')).toBe(true);
    expect(hasRoom(operator('available', 0, 0), 'voice')).toBe(false);
    for (const state of ['reserved', 'busy', 'wrap_up', 'away', 'offline'] as const) {
      expect(hasRoom(operator(state, 0), 'voice')).toBe(false);
    }
  });

  it('has room for a chat next to at most one call, up to the chat capacity, never when away or offline', () => {
    for (const state of ['available', 'reserved', 'busy', 'wrap_up'] as const) {
      expect(hasRoom(operator(state, 2), 'chat')).toBe(true);
      expect(hasRoom(operator(state, 3), 'chat')).toBe(false);
    }
    expect(hasRoom(operator('away', 0), 'chat')).toBe(false);
    expect(hasRoom(operator('offline', 0), 'chat')).toBe(false);
    expect(hasRoom(operator('available', 0, 1, 0), 'chat')).toBe(false);
  });
});
