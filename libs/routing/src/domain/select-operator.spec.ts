import { RoutableOperator } from './operator-state';
import { queueUrgency, rankOperators, WaitingHead } from './select-operator';

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
