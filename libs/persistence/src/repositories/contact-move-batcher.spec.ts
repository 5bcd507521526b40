import { ContactMoveBatcher, ContactMoveInput, ContactMoveRow } from './contact-move-batcher';

function move(id: string, to = 'offered'): ContactMoveInput {
  return {
    id,
    to,
    from: ['queued'],
    patch: {},
    data: {},
    at: new Date(0).toISOString(),
    note: null,
    noteAfter: false,
    noCallback: false,
  };
}

/** An executor that records each batch and answers when `release()` is called (or at once). */
class Executor {
  readonly batches: ContactMoveInput[][] = [];
  running = 0;
  maxRunning = 0;
  private gates: (() => void)[] = [];
  failWith: ((moves: ContactMoveInput[]) => Error | null) | null = null;
  held = false;

  readonly execute = async (moves: ContactMoveInput[]): Promise<ContactMoveRow[]> => {
    this.batches.push(moves);
    this.running++;
    this.maxRunning = Math.max(this.maxRunning, this.running);
    const overlapping = new Set(moves.map((m) => m.id)).size !== moves.length;
    try {
      if (overlapping) throw new Error('two moves of one contact in one batch');
      if (this.held) await new Promise<void>((open) => this.gates.push(open));
      const error = this.failWith?.(moves);
      if (error) throw error;
      return moves.map((m) => ({ id: m.id, state: m.to }));
    } finally {
      this.running--;
    }
  };

  release(): void {
    const gates = this.gates;
    this.gates = [];
    for (const open of gates) open();
  }
}

const turn = () => new Promise((done) => setImmediate(done));

describe('ContactMoveBatcher', () => {
  it('sends the moves of one event-loop turn as one batch, and those that wait for a slot together', async () => {
    const executor = new Executor();
    executor.held = true;
    const batcher = new ContactMoveBatcher(executor.execute, 1);
    const first = ['a', 'b', 'c'].map((id) => batcher.submit(move(id)));
    await turn();
    const second = ['d', 'e'].map((id) => batcher.submit(move(id)));
    await turn();
    expect(executor.batches.map((batch) => batch.map((m) => m.id))).toEqual([['a', 'b', 'c']]);
    executor.held = false;
    executor.release();
    await expect(Promise.all([...first, ...second])).resolves.toEqual(
      ['a', 'b', 'c', 'd', 'e'].map((id) => ({ id, state: 'offered' })),
    );
    expect(executor.batches.map((batch) => batch.map((m) => m.id))).toEqual([
      ['a', 'b', 'c'],
      ['d', 'e'],
    ]);
  });

  it('never runs two moves of one contact together, and keeps their order', async () => {
    const executor = new Executor();
    const batcher = new ContactMoveBatcher(executor.execute, 4);
    const results = await Promise.all([
      batcher.submit(move('a', 'offered')),
      batcher.submit(move('b', 'offered')),
      batcher.submit(move('a', 'connected')),
      batcher.submit(move('a', 'completed')),
    ]);
    expect(results.map((row) => row.state)).toEqual(['offered', 'offered', 'connected', 'completed']);
    const movesOfA = executor.batches.flatMap((batch) => batch.filter((m) => m.id === 'a').map((m) => m.to));
    expect(movesOfA).toEqual(['offered', 'connected', 'completed']);
    // A batch per move of `a`: while one runs, the next waits (never two of its batches at once).
    expect(executor.batches.filter((batch) => batch.some((m) => m.id === 'a'))).toHaveLength(3);
  });

  it('keeps at most maxInFlight batches running', async () => {
    const executor = new Executor();
    executor.held = true;
    const batcher = new ContactMoveBatcher(executor.execute, 2, 1);
    const all = ['a', 'b', 'c', 'd', 'e'].map((id) => batcher.submit(move(id)));
    for (let i = 0; i < 5; i++) await turn();
    expect(executor.running).toBe(2);
    executor.held = false;
    for (let i = 0; i < 5; i++) {
      executor.release();
      await turn();
    }
    await Promise.all(all);
    expect(executor.maxRunning).toBe(2);
    expect(executor.batches).toHaveLength(5);
  });

  it('fails only the bad move of a failed batch, and runs a deadlocked batch again whole', async () => {
    const executor = new Executor();
    let deadlocks = 1;
    executor.failWith = (moves) => {
      if (moves.length > 1 && deadlocks-- > 0) return Object.assign(new Error('deadlock'), { code: '40P01' });
      return moves.some((m) => m.id === 'bad') ? new Error('invalid input syntax for type uuid') : null;
    };
    const batcher = new ContactMoveBatcher(executor.execute, 4);
    const outcomes = await Promise.allSettled(['a', 'bad', 'c'].map((id) => batcher.submit(move(id))));
    expect(outcomes.map((outcome) => outcome.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect(executor.batches.map((batch) => batch.map((m) => m.id))).toEqual([
      ['a', 'bad', 'c'], // deadlock: again, whole
      ['a', 'bad', 'c'], // the bad value: each on its own
      ['a'],
      ['bad'],
      ['c'],
    ]);
  });
});
