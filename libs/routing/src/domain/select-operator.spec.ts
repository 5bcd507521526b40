import fc from 'fast-check';
import { RoutableOperator } from './operator-state';
import { channelHeads, decidedByWindow, queueUrgency, rankOperators, WaitingHead } from './select-operator';

const head: WaitingHead = {
  contactId: 'c1',
  queue: 'billing',
  skill: 'billing',
  language: 'ro',
  enqueuedAt: 1000,
};

describe('rankOperators', () => {
  const operators: RoutableOperator[] = [
    { id: 'a', skills: { billing: 5 }, languages: ['it'], idleSince: 100 },
    { id: 'b', skills: { billing: 3 }, languages: ['ro'], idleSince: 500 },
    { id: 'c', skills: { sales: 9 }, languages: ['ro'], idleSince: 1 },
    { id: 'd', skills: { billing: 2 }, languages: ['ro', 'it'], idleSince: 200 },
  ];

  it('keeps only operators with the skill, language speakers first, then longest idle', () => {
    expect(rankOperators(head, operators).map((o) => o.id)).toEqual(['d', 'b', 'a']);
  });

  it('falls back to operators without the language rather than leaving the caller waiting', () => {
    expect(rankOperators({ ...head, language: 'es' }, operators).map((o) => o.id)).toEqual(['a', 'd', 'b']);
  });

  it('puts operators who declined this contact last, without excluding them', () => {
    expect(rankOperators(head, operators, new Set(['d'])).map((o) => o.id)).toEqual(['b', 'a', 'd']);
    expect(rankOperators(head, operators, new Set(['a', 'b', 'd'])).map((o) => o.id)).toEqual([
      'd',
      'b',
      'a',
    ]);
  });

  it('offers a contact transferred to a named operator to that operator only, skills or not', () => {
    expect(rankOperators({ ...head, targetOperatorId: 'c' }, operators).map((o) => o.id)).toEqual(['c']);
    expect(rankOperators({ ...head, targetOperatorId: 'gone' }, operators)).toEqual([]);
  });
});

describe('queueUrgency', () => {
  it('grows with the wait relative to the service-level target', () => {
    const now = 61_000;
    expect(queueUrgency(head, now, 20, 0)).toBeCloseTo(3);
    expect(queueUrgency(head, now, 60, 0)).toBeCloseTo(1);
    expect(queueUrgency(head, now, 60, 1)).toBeCloseTo(2);
  });
});

describe('rankOperators: strategies', () => {
  const queueHead: WaitingHead = { ...head, language: null };
  const team: RoutableOperator[] = [
    { id: 'a', skills: { billing: 2 }, languages: ['it'], idleSince: 100 },
    { id: 'b', skills: { billing: 9 }, languages: ['it'], idleSince: 300 },
    { id: 'c', skills: { billing: 5 }, languages: ['it'], idleSince: 200 },
  ];
  const ids = (ranked: RoutableOperator[]) => ranked.map((operator) => operator.id);

  it('longest-idle (the default) takes the operator free the longest', () => {
    expect(ids(rankOperators(queueHead, team))).toEqual(['a', 'c', 'b']);
    expect(ids(rankOperators(queueHead, team, new Set(), { strategy: 'longest-idle' }))).toEqual([
      'a',
      'c',
      'b',
    ]);
  });

  it('skill-top-down takes the best level first, then the longest idle among equals', () => {
    expect(ids(rankOperators(queueHead, team, new Set(), { strategy: 'skill-top-down' }))).toEqual([
      'b',
      'c',
      'a',
    ]);
    const tied = [...team, { id: 'd', skills: { billing: 9 }, languages: ['it'], idleSince: 50 }];
    expect(ids(rankOperators(queueHead, tied, new Set(), { strategy: 'skill-top-down' }))).toEqual([
      'd',
      'b',
      'c',
      'a',
    ]);
  });

  it('round-robin takes the operator offered this queue least recently, never-offered first', () => {
    const lastOfferedAt = new Map([
      ['a', 5000],
      ['b', 3000],
    ]);
    expect(
      ids(rankOperators(queueHead, team, new Set(), { strategy: 'round-robin', lastOfferedAt })),
    ).toEqual(['c', 'b', 'a']);
  });

  it('round-robin rotates through everyone as offers are made', () => {
    const lastOfferedAt = new Map<string, number>();
    const order: string[] = [];
    for (let turn = 1; turn <= 6; turn++) {
      const [first] = rankOperators(queueHead, team, new Set(), { strategy: 'round-robin', lastOfferedAt });
      order.push(first!.id);
      lastOfferedAt.set(first!.id, turn);
    }
    expect(order).toEqual(['a', 'c', 'b', 'a', 'c', 'b']);
  });

  it('fewest-today takes the operator with the fewest contacts today, then the longest idle', () => {
    const handledToday = new Map([
      ['a', 7],
      ['b', 2],
      ['c', 2],
    ]);
    expect(
      ids(rankOperators(queueHead, team, new Set(), { strategy: 'fewest-today', handledToday })),
    ).toEqual(['c', 'b', 'a']);
  });

  it('keeps the declined and language preferences under every strategy', () => {
    const inputs = { strategy: 'skill-top-down' as const };
    expect(ids(rankOperators(queueHead, team, new Set(['b']), inputs))).toEqual(['c', 'a', 'b']);
    const speakers = team.map((operator) =>
      operator.id === 'a' ? { ...operator, languages: ['ro'] } : operator,
    );
    expect(ids(rankOperators({ ...queueHead, language: 'ro' }, speakers, new Set(), inputs))).toEqual([
      'a',
      'b',
      'c',
    ]);
  });

  it('spreads chats: under longest-idle, fewer open chats first', () => {
    const loaded = team.map((operator) => ({
      ...operator,
      chats: operator.id === 'a' ? 2 : operator.id === 'c' ? 1 : 0,
    }));
    expect(ids(rankOperators({ ...queueHead, channel: 'chat' }, loaded))).toEqual(['b', 'c', 'a']);
    // A call ignores the chat load: longest idle.
    expect(ids(rankOperators({ ...queueHead, channel: 'voice' }, loaded))).toEqual(['a', 'c', 'b']);
  });
});

describe('channelHeads', () => {
  it('finds the first call and the first chat of a line, in line order', () => {
    const line = [
      { id: 1, channel: 'voice' as const },
      { id: 2, channel: 'voice' as const },
      { id: 3, channel: 'chat' as const },
      { id: 4, channel: 'chat' as const },
    ];
    expect(channelHeads(line).map((entry) => entry.id)).toEqual([1, 3]);
    expect(channelHeads(line.slice(2)).map((entry) => entry.id)).toEqual([3]);
    expect(channelHeads([])).toEqual([]);
  });
});

describe('decidedByWindow', () => {
  const pool = (count: number): RoutableOperator[] =>
    Array.from({ length: count }, (_, i) => ({
      id: `op${i}`,
      skills: { billing: 1 },
      languages: i % 2 === 0 ? ['it'] : ['en'],
      idleSince: i,
    }));
  const head: WaitingHead = {
    contactId: 'c1',
    queue: 'billing',
    skill: 'billing',
    language: 'it',
    enqueuedAt: 0,
  };

  it('decides the leading operators who neither declined nor miss the language, and no one after them', () => {
    const window = pool(6);
    const ranked = rankOperators(head, window, new Set(['op0']));
    // op2 and op4 speak Italian and did not decline; op0 declined, the others speak English.
    expect(ranked.map((operator) => operator.id)).toEqual(['op2', 'op4', 'op1', 'op3', 'op5', 'op0']);
    expect(decidedByWindow(head, ranked, new Set(['op0']))).toBe(2);
  });

  it('decides nothing for a strategy that is not ordered by idle time', () => {
    const ranked = rankOperators(head, pool(4), new Set(), { strategy: 'round-robin' });
    expect(decidedByWindow(head, ranked, new Set(), 'round-robin')).toBe(0);
    expect(decidedByWindow(head, ranked, new Set(), 'skill-top-down')).toBe(0);
    expect(decidedByWindow(head, ranked, new Set(), 'ring-all')).toBe(2);
  });

  it('a named transfer is decided only when its operator is in the window', () => {
    const named = { ...head, targetOperatorId: 'op3' };
    expect(decidedByWindow(named, rankOperators(named, pool(4)), new Set())).toBe(1);
    expect(decidedByWindow(named, rankOperators(named, pool(3)), new Set())).toBe(0);
  });

  it('what it decides from a longest-idle window is the head of the whole pool ranking (property)', () => {
    const operator = fc.record({
      idleSince: fc.integer({ min: 0, max: 20 }),
      languages: fc.subarray(['it', 'en', 'ro'], { minLength: 1 }),
      skill: fc.integer({ min: 0, max: 2 }),
      declined: fc.boolean(),
    });
    fc.assert(
      fc.property(
        fc.array(operator, { maxLength: 40 }),
        fc.integer({ min: 0, max: 45 }),
        fc.constantFrom('it', 'en', null),
        (drawn, windowSize, language) => {
          const operators: RoutableOperator[] = drawn.map((entry, i) => ({
            id: `op${String(i).padStart(2, '0')}`,
            skills: { billing: entry.skill },
            languages: entry.languages,
            idleSince: entry.idleSince,
          }));
          const declined = new Set(operators.filter((_, i) => drawn[i]!.declined).map(({ id }) => id));
          const wanted = { ...head, language };
          // The window as Redis returns it: by idle time, then id.
          const window = [...operators]
            .sort((a, b) => a.idleSince - b.idleSince || (a.id < b.id ? -1 : 1))
            .slice(0, windowSize);
          const fromWindow = rankOperators(wanted, window, declined);
          const decided = decidedByWindow(wanted, fromWindow, declined);
          const whole = rankOperators(wanted, operators, declined);
          expect(fromWindow.slice(0, decided).map(({ id }) => id)).toEqual(
            whole.slice(0, decided).map(({ id }) => id),
          );
        },
      ),
      { numRuns: 500 },
    );
  });
});
