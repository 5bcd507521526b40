import fc from 'fast-check';
import { placeContact, QueueRulesView, reachableQueues } from './queue-rules';

const MONDAY_NINE = new Date('2026-12-07T08:00:00Z');

function view(id: string, change: Partial<QueueRulesView> = {}): QueueRulesView {
  return {
    id,
    open: true,
    nextOpening: null,
    waiting: 0,
    outOfHours: { action: 'announce' },
    overflow: { action: 'announce' },
    ...change,
  };
}

function views(...list: QueueRulesView[]): Map<string, QueueRulesView> {
  return new Map(list.map((item) => [item.id, item]));
}

describe('placeContact', () => {
  it('an open queue with room: the contact waits there', () => {
    expect(placeContact('billing', views(view('billing', { maxLength: 3, waiting: 2 })))).toEqual({
      kind: 'wait',
      queue: 'billing',
      hops: [],
    });
  });

  it('a queue without rules (not in the views) takes the contact', () => {
    expect(placeContact('billing', new Map())).toEqual({ kind: 'wait', queue: 'billing', hops: [] });
  });

  it('closed: announce with the next opening (the default rule)', () => {
    expect(
      placeContact('billing', views(view('billing', { open: false, nextOpening: MONDAY_NINE }))),
    ).toEqual({
      kind: 'closed',
      queue: 'billing',
      reason: 'out_of_hours',
      nextOpening: MONDAY_NINE,
      hops: [],
    });
  });

  it('closed with a message rule: a message for the configured department, or reception', () => {
    const closed = { open: false, nextOpening: MONDAY_NINE };
    expect(
      placeContact(
        'billing',
        views(view('billing', { ...closed, outOfHours: { action: 'message', department: 'accounting' } })),
      ),
    ).toEqual({
      kind: 'message',
      queue: 'billing',
      department: 'accounting',
      reason: 'out_of_hours',
      hops: [],
    });
    expect(
      placeContact('billing', views(view('billing', { ...closed, outOfHours: { action: 'message' } }))),
    ).toMatchObject({ kind: 'message', department: null });
  });

  it('closed with an overflow rule: waits in the other queue when that one is open', () => {
    const placement = placeContact(
      'billing',
      views(
        view('billing', { open: false, outOfHours: { action: 'overflow', queue: 'reception' } }),
        view('reception'),
      ),
    );
    expect(placement).toEqual({
      kind: 'wait',
      queue: 'reception',
      hops: [{ from: 'billing', to: 'reception', reason: 'out_of_hours' }],
    });
  });

  it('full (waiting = maxLength): the overflow rule applies; one below the limit still waits', () => {
    const full = views(
      view('billing', {
        maxLength: 2,
        waiting: 2,
        overflow: { action: 'message', department: 'accounting' },
      }),
    );
    expect(placeContact('billing', full)).toMatchObject({ kind: 'message', reason: 'queue_full' });
    const room = views(view('billing', { maxLength: 2, waiting: 1, overflow: { action: 'message' } }));
    expect(placeContact('billing', room)).toMatchObject({ kind: 'wait', queue: 'billing' });
  });

  it('a closed queue is judged closed before full; a full announce has no opening time', () => {
    const both = views(
      view('billing', {
        open: false,
        nextOpening: MONDAY_NINE,
        maxLength: 1,
        waiting: 5,
        outOfHours: { action: 'message' },
        overflow: { action: 'announce' },
      }),
    );
    expect(placeContact('billing', both)).toMatchObject({ kind: 'message', reason: 'out_of_hours' });
    const full = views(view('billing', { maxLength: 1, waiting: 1, nextOpening: MONDAY_NINE }));
    expect(placeContact('billing', full)).toEqual({
      kind: 'closed',
      queue: 'billing',
      reason: 'queue_full',
      nextOpening: null,
      hops: [],
    });
  });

  it('the overflow target is judged by its own rules: a chain of queues', () => {
    const placement = placeContact(
      'billing',
      views(
        view('billing', { maxLength: 1, waiting: 1, overflow: { action: 'overflow', queue: 'sales' } }),
        view('sales', { open: false, outOfHours: { action: 'overflow', queue: 'reception' } }),
        view('reception', { maxLength: 1, waiting: 1, overflow: { action: 'message' } }),
      ),
    );
    expect(placement).toEqual({
      kind: 'message',
      queue: 'reception',
      department: null,
      reason: 'queue_full',
      hops: [
        { from: 'billing', to: 'sales', reason: 'queue_full' },
        { from: 'sales', to: 'reception', reason: 'out_of_hours' },
      ],
    });
  });

  it('a loop of full queues ends closed instead of going round', () => {
    const placement = placeContact(
      'billing',
      views(
        view('billing', { maxLength: 1, waiting: 1, overflow: { action: 'overflow', queue: 'sales' } }),
        view('sales', { maxLength: 1, waiting: 3, overflow: { action: 'overflow', queue: 'billing' } }),
      ),
    );
    expect(placement).toMatchObject({ kind: 'closed', queue: 'sales', reason: 'queue_full' });
    expect(placement.hops).toHaveLength(1);
  });

  it('forced (waited too long): the overflow applies even though the queue is open with room', () => {
    const rules = views(
      view('billing', { overflow: { action: 'overflow', queue: 'reception' } }),
      view('reception'),
    );
    expect(placeContact('billing', rules, 'max_wait')).toEqual({
      kind: 'wait',
      queue: 'reception',
      hops: [{ from: 'billing', to: 'reception', reason: 'max_wait' }],
    });
    expect(placeContact('billing', views(view('billing')), 'max_wait')).toMatchObject({
      kind: 'closed',
      reason: 'max_wait',
    });
  });

  it('forced back to where it came from: nowhere left, closed', () => {
    const rules = views(
      view('billing', { overflow: { action: 'overflow', queue: 'reception' } }),
      view('reception', { overflow: { action: 'overflow', queue: 'billing' } }),
    );
    expect(placeContact('reception', rules, 'max_wait')).toMatchObject({
      kind: 'wait',
      queue: 'billing',
    });
    const loop = views(view('billing', { overflow: { action: 'overflow', queue: 'billing' } }));
    expect(placeContact('billing', loop, 'max_wait')).toMatchObject({ kind: 'closed' });
  });

  it('property: always a placement, never a queue twice, waiting only where open with room', () => {
    const ids = ['a', 'b', 'c', 'd'];
    const rule = fc.oneof(
      fc.constant({ action: 'announce' as const }),
      fc.constant({ action: 'message' as const }),
      fc.constantFrom(...ids).map((queue) => ({ action: 'overflow' as const, queue })),
    );
    const queueView = (id: string) =>
      fc.record({
        id: fc.constant(id),
        open: fc.boolean(),
        nextOpening: fc.constant(null),
        waiting: fc.nat(4),
        maxLength: fc.option(fc.integer({ min: 1, max: 4 }), { nil: undefined }),
        outOfHours: rule,
        overflow: rule,
      });
    fc.assert(
      fc.property(
        fc.tuple(...ids.map(queueView)),
        fc.constantFrom(...ids),
        fc.constantFrom(undefined, 'max_wait' as const, 'queue_full' as const),
        (list, start, forced) => {
          const rules = views(...list);
          const placement = placeContact(start, rules, forced);
          const path = [start, ...placement.hops.map((hop) => hop.to)];
          expect(new Set(path).size).toBe(path.length);
          expect(placement.queue).toBe(path.at(-1));
          if (placement.kind === 'wait') {
            const target = rules.get(placement.queue)!;
            expect(target.open).toBe(true);
            expect(target.maxLength === undefined || target.waiting < target.maxLength).toBe(true);
            if (forced) expect(placement.hops.length).toBeGreaterThan(0);
          }
        },
      ),
    );
  });
});

describe('reachableQueues', () => {
  it('follows both rules transitively, each queue once, start first', () => {
    const rules: Record<string, Pick<QueueRulesView, 'outOfHours' | 'overflow'>> = {
      billing: { outOfHours: { action: 'overflow', queue: 'sales' }, overflow: { action: 'message' } },
      sales: {
        outOfHours: { action: 'overflow', queue: 'billing' },
        overflow: { action: 'overflow', queue: 'reception' },
      },
      reception: { outOfHours: { action: 'announce' }, overflow: { action: 'announce' } },
      other: { outOfHours: { action: 'announce' }, overflow: { action: 'announce' } },
    };
    expect(reachableQueues('billing', (queue) => rules[queue])).toEqual(['billing', 'sales', 'reception']);
  });
});
