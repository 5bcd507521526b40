import type { Receipt } from './contact.repository';

/** One contact move as the batch statement reads it (one element of its JSON input). */
export interface ContactMoveInput {
  id: string;
  /** The state to move to. */
  to: string;
  /** The states it may move from (legal ones only). */
  from: string[];
  /** Column name -> new value (JSON: dates as ISO strings, null to clear). */
  patch: Record<string, unknown>;
  /** The move's event data. */
  data: Record<string, unknown>;
  /** ISO time of the move and of its events. */
  at: string;
  /** A `note` event written with the move (before its event, or after it with `noteAfter`). */
  note: Record<string, unknown> | null;
  noteAfter: boolean;
  /** Only if the contact has no callback request. */
  noCallback: boolean;
  /** The webhook that reports the move, recorded for the contact whether or not it moves. */
  receipt?: Receipt | null;
}

/** The batch statement's row of one move: the previous state and, if it moved, the contact's row. */
export type ContactMoveRow = Record<string, unknown>;

interface Pending {
  move: ContactMoveInput;
  resolve: (row: ContactMoveRow) => void;
  reject: (error: unknown) => void;
}

/** SQLSTATE deadlock_detected: the whole statement was rolled back, so running it again is safe. */
const DEADLOCK_DETECTED = '40P01';
const DEADLOCK_RETRIES = 3;

/**
 * Group commit for contact moves (ContactRepository.transition). Moves submitted while `maxInFlight`
 * batches are already running wait and go out together as one statement, so under load PostgreSQL and the
 * service pay one round trip, one plan execution and one commit for many moves instead of one each; with
 * a free slot a move goes out at the end of the current event-loop turn, so an idle system adds no wait.
 *
 * Semantics are those of one statement per move: each move is a compare-and-set on its row. Two moves of
 * the same contact are never in one batch nor in two batches running at once (the later one waits for the
 * earlier one's batch), which keeps their order and means concurrent batches never lock the same rows
 * (no deadlock between them). A batch that fails is run again move by move, so one bad move fails alone.
 */
export class ContactMoveBatcher {
  private readonly waiting: Pending[] = [];
  private readonly running = new Set<string>();
  private inFlight = 0;
  private scheduled = false;

  constructor(
    private readonly execute: (moves: ContactMoveInput[]) => Promise<ContactMoveRow[]>,
    private readonly maxInFlight = 4,
    private readonly maxBatch = 100,
  ) {}

  submit(move: ContactMoveInput): Promise<ContactMoveRow> {
    return new Promise<ContactMoveRow>((resolve, reject) => {
      this.waiting.push({ move, resolve, reject });
      this.schedule();
    });
  }

  private schedule(): void {
    if (this.scheduled || this.inFlight >= this.maxInFlight || this.waiting.length === 0) return;
    this.scheduled = true;
    // The end of this turn: every move submitted meanwhile joins the batch.
    setImmediate(() => {
      this.scheduled = false;
      this.flush();
    });
  }

  private flush(): void {
    while (this.inFlight < this.maxInFlight && this.waiting.length > 0) {
      const batch = this.take();
      if (batch.length === 0) return; // everything waiting is on a contact whose move is running
      this.inFlight++;
      for (const pending of batch) this.running.add(pending.move.id);
      void this.run(batch).finally(() => {
        this.inFlight--;
        for (const pending of batch) this.running.delete(pending.move.id);
        this.schedule();
      });
    }
  }

  /** The oldest waiting moves, at most one per contact and none of a contact whose move is running. */
  private take(): Pending[] {
    const batch: Pending[] = [];
    const ids = new Set<string>();
    for (let index = 0; index < this.waiting.length && batch.length < this.maxBatch;) {
      const pending = this.waiting[index]!;
      const id = pending.move.id;
      if (ids.has(id) || this.running.has(id)) {
        index++;
        continue;
      }
      ids.add(id);
      batch.push(pending);
      this.waiting.splice(index, 1);
    }
    return batch;
  }

  private async run(batch: Pending[]): Promise<void> {
    for (let attempt = 0; ; attempt++) {
      try {
        const rows = await this.execute(batch.map((pending) => pending.move));
        batch.forEach((pending, index) => pending.resolve(rows[index]!));
        return;
      } catch (error) {
        const deadlock = (error as { code?: string }).code === DEADLOCK_DETECTED;
        if (deadlock && attempt < DEADLOCK_RETRIES) continue;
        if (batch.length === 1) {
          batch[0]!.reject(error);
          return;
        }
        // One move's error (a bad value) must not fail the others: each on its own.
        await Promise.all(batch.map((pending) => this.run([pending])));
        return;
      }
    }
  }
}
