import fc from 'fast-check';
import { ROUTING_STRATEGIES, type RoutingStrategy } from '@centralino/config';
import {
  CapacityChannel,
  hasRoom,
  OperatorCapacity,
  OperatorState,
  RoutableOperator,
} from './operator-state';
import { channelHeads, rankOperators } from './select-operator';

/**
 * Property tests of the routing rules (the domain the dispatcher and its Redis scripts implement): a
 * model switchboard driven by random arrivals, endings and away/available switches, matched with
 * `channelHeads`, `rankOperators` and `hasRoom` exactly as a dispatch round does.
 */
interface ModelOperator extends RoutableOperator {
  state: OperatorState;
  capacity: OperatorCapacity;
  voice: number[];
  chatsHeld: number[];
}

type Step =
  | { kind: 'arrive'; channel: CapacityChannel }
  | { kind: 'end'; pick: number }
  | { kind: 'away'; operator: number; away: boolean }
  | { kind: 'dispatch' };

const step: fc.Arbitrary<Step> = fc.oneof(
  fc.record({
    kind: fc.constant('arrive' as const),
    channel: fc.constantFrom<CapacityChannel>('voice', 'chat'),
  }),
  fc.record({ kind: fc.constant('end' as const), pick: fc.nat() }),
  fc.record({ kind: fc.constant('away' as const), operator: fc.nat(), away: fc.boolean() }),
  fc.constant({ kind: 'dispatch' as const }),
);

const capacity = fc.record({ voice: fc.integer({ min: 0, max: 1 }), chat: fc.integer({ min: 0, max: 4 }) });
const strategy = fc.constantFrom<RoutingStrategy>(...ROUTING_STRATEGIES);

function simulate(capacities: OperatorCapacity[], steps: Step[], chosen: RoutingStrategy) {
  const operators: ModelOperator[] = capacities.map((cap, index) => ({
    id: `op${index}`,
    skills: { billing: 1 + (index % 10) },
    languages: ['it'],
    idleSince: index,
    chats: 0,
    state: 'available',
    capacity: cap,
    voice: [],
    chatsHeld: [],
  }));
  const line: { id: number; channel: CapacityChannel }[] = [];
  const served: { id: number; channel: CapacityChannel }[] = [];
  const ended = new Set<number>();
  const lastOfferedAt = new Map<string, number>();
  const handledToday = new Map<string, number>();
  let next = 0;
  let clock = 100;
  const violations: string[] = [];

  const dispatch = () => {
    let progress = true;
    while (progress) {
      progress = false;
      for (const head of channelHeads(line)) {
        const room = operators.filter((operator) =>
          hasRoom(
            { state: operator.state, chats: operator.chatsHeld.length, capacity: operator.capacity },
            head.channel,
          ),
        );
        const [best] = rankOperators(
          {
            contactId: String(head.id),
            queue: 'billing',
            skill: 'billing',
            language: 'it',
            enqueuedAt: head.id,
            channel: head.channel,
          },
          room.map((operator) => ({ ...operator, chats: operator.chatsHeld.length })),
          new Set(),
          { strategy: chosen, lastOfferedAt, handledToday },
        );
        if (!best) continue;
        const operator = operators.find((candidate) => candidate.id === best.id)!;
        line.splice(line.indexOf(head), 1);
        served.push(head);
        if (head.channel === 'voice') {
          operator.voice.push(head.id);
          operator.state = 'busy';
        } else operator.chatsHeld.push(head.id);
        lastOfferedAt.set(operator.id, ++clock);
        handledToday.set(operator.id, (handledToday.get(operator.id) ?? 0) + 1);
        progress = true;
      }
    }
  };

  for (const current of steps) {
    if (current.kind === 'arrive') line.push({ id: next++, channel: current.channel });
    else if (current.kind === 'end') {
      const held = operators.flatMap((operator) => [...operator.voice, ...operator.chatsHeld]);
      if (held.length > 0) {
        const id = held[current.pick % held.length]!;
        ended.add(id);
        for (const operator of operators) {
          if (operator.voice.includes(id)) {
            operator.voice = [];
            if (operator.state === 'busy') operator.state = 'available';
            operator.idleSince = ++clock;
          }
          operator.chatsHeld = operator.chatsHeld.filter((chat) => chat !== id);
        }
      }
    } else if (current.kind === 'away') {
      const operator = operators[current.operator % operators.length]!;
      if (current.away && operator.state === 'available') operator.state = 'away';
      if (!current.away && operator.state === 'away') operator.state = 'available';
    } else dispatch();
    for (const operator of operators) {
      if (operator.voice.length > operator.capacity.voice)
        violations.push(`${operator.id} over voice capacity`);
      if (operator.voice.length > 1) violations.push(`${operator.id} holds two calls`);
      if (operator.chatsHeld.length > operator.capacity.chat)
        violations.push(`${operator.id} over chat capacity`);
    }
  }
  return { operators, line, served, ended, violations, arrived: next };
}

describe('routing invariants (fast-check)', () => {
  it('no operator is ever over their capacity per channel, nor holds two calls', () => {
    fc.assert(
      fc.property(
        fc.array(capacity, { minLength: 1, maxLength: 6 }),
        fc.array(step, { maxLength: 120 }),
        strategy,
        (caps, steps, chosen) => {
          expect(simulate(caps, steps, chosen).violations).toEqual([]);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('within a queue and a channel, the oldest waiting contact is served first', () => {
    fc.assert(
      fc.property(
        fc.array(capacity, { minLength: 1, maxLength: 6 }),
        fc.array(step, { maxLength: 120 }),
        strategy,
        (caps, steps, chosen) => {
          const { served, line } = simulate(caps, steps, chosen);
          for (const channel of ['voice', 'chat'] as const) {
            const order = served.filter((entry) => entry.channel === channel).map((entry) => entry.id);
            expect(order).toEqual([...order].sort((a, b) => a - b));
            // Everyone still waiting arrived after everyone served of the same channel.
            const waiting = line.filter((entry) => entry.channel === channel).map((entry) => entry.id);
            if (order.length > 0 && waiting.length > 0)
              expect(Math.min(...waiting)).toBeGreaterThan(Math.max(...order));
          }
        },
      ),
      { numRuns: 300 },
    );
  });

  it('no contact is lost or served twice: once operators with room come back, everyone is served', () => {
    fc.assert(
      fc.property(
        fc.array(capacity, { minLength: 1, maxLength: 6 }),
        fc.array(step, { maxLength: 120 }),
        strategy,
        (caps, steps, chosen) => {
          const withCapacity = caps.map((cap, index) =>
            index === 0 ? { voice: 1, chat: Math.max(1, cap.chat) } : cap,
          );
          // Then everyone comes back, contacts end and rounds run until the line is empty.
          const drain: Step[] = [];
          for (let i = 0; i < withCapacity.length; i++)
            drain.push({ kind: 'away', operator: i, away: false });
          for (let i = 0; i < 400; i++) drain.push({ kind: 'dispatch' }, { kind: 'end', pick: i });
          const { served, line, arrived } = simulate(withCapacity, [...steps, ...drain], chosen);
          expect(line).toEqual([]);
          const ids = served.map((entry) => entry.id);
          expect(new Set(ids).size).toBe(ids.length);
          expect(ids.length).toBe(arrived);
        },
      ),
      { numRuns: 200 },
    );
  });
});
