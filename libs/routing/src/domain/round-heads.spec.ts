import { CapacityChannel } from './operator-state';
import { RoundEntry, RoundHeads, RoundPick } from './round-heads';

function entries(queue: string, spec: string, urgencies: number[]): RoundEntry<string>[] {
  // spec: one letter per waiting contact in line order, v = call, c = chat.
  return [...spec].map((letter, index) => ({
    item: `${queue}${index}`,
    channel: (letter === 'c' ? 'chat' : 'voice') as CapacityChannel,
    urgency: urgencies[index]!,
  }));
}

function drain(plan: RoundHeads<string>, open: (channel: CapacityChannel) => boolean = () => true) {
  const order: RoundPick<string>[] = [];
  for (let pick = plan.next(open); pick; pick = plan.next(open)) {
    order.push(pick);
    plan.served(pick);
  }
  return order;
}

describe('RoundHeads', () => {
  it('serves the most urgent current head across queues, several per queue, oldest first in each', () => {
    const plan = new RoundHeads(
      new Map([
        ['a', entries('a', 'vvv', [5, 3, 1])],
        ['b', entries('b', 'vv', [4, 2])],
      ]),
    );
    expect(drain(plan).map((pick) => pick.entry.item)).toEqual(['a0', 'b0', 'a1', 'b1', 'a2']);
  });

  it('keeps calls and chats of one queue apart, promoting a chat taken past a waiting call', () => {
    const plan = new RoundHeads(new Map([['a', entries('a', 'vcvc', [9, 8, 7, 6])]]));
    const onlyChats = drain(plan, (channel) => channel === 'chat');
    expect(onlyChats.map((pick) => [pick.entry.item, pick.promote])).toEqual([
      ['a1', true],
      ['a3', true],
    ]);
    // The calls are still there, in their order, and the first is now at the head of the line.
    expect(drain(plan).map((pick) => [pick.entry.item, pick.promote])).toEqual([
      ['a0', false],
      ['a2', false],
    ]);
  });

  it('a blocked channel holds the contacts behind its head, the other channel goes on', () => {
    const plan = new RoundHeads(new Map([['a', entries('a', 'vvcc', [9, 8, 7, 6])]]));
    const first = plan.next(() => true)!;
    expect(first.entry.item).toBe('a0');
    plan.block('a', 'voice');
    expect(drain(plan).map((pick) => pick.entry.item)).toEqual(['a2', 'a3']);
  });

  it('a queue whose line moved is left for the next round', () => {
    const plan = new RoundHeads(
      new Map([
        ['a', entries('a', 'vv', [9, 8])],
        ['b', entries('b', 'v', [1])],
      ]),
    );
    plan.block(plan.next(() => true)!.queue);
    expect(drain(plan).map((pick) => pick.entry.item)).toEqual(['b0']);
  });

  it('offers nothing of a channel no pool can serve', () => {
    const plan = new RoundHeads(new Map([['a', entries('a', 'vv', [2, 1])]]));
    expect(plan.next((channel) => channel === 'chat')).toBeNull();
  });
});
