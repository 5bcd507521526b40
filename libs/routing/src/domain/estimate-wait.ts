/** Handle time assumed for a queue that has no recent contacts to learn from (seconds). */
export const DEFAULT_HANDLE_SECONDS = 180;

export interface WaitEstimate {
  /** Seconds; `expected` is the point estimate, `low`-`high` the range told to callers. */
  low: number;
  expected: number;
  high: number;
}

/**
 * Estimated wait of the contact at `position` (1 = next): the contacts ahead of it, plus itself, are
 * served by the `staffed` operators who can take the queue, each taking the recent average handle time.
 * The range widens with the spread of recent handle times. With nobody staffed there is no estimate.
 */
export function estimateWait(input: {
  position: number;
  staffed: number;
  handleTimes: readonly number[];
  defaultHandleSeconds: number;
}): WaitEstimate | null {
  if (input.staffed <= 0 || input.position <= 0) return null;
  const times = input.handleTimes.length > 0 ? input.handleTimes : [input.defaultHandleSeconds];
  const mean = times.reduce((sum, value) => sum + value, 0) / times.length;
  const variance = times.reduce((sum, value) => sum + (value - mean) ** 2, 0) / times.length;
  const spread = Math.max(Math.sqrt(variance), mean * 0.25);
  // The head waits on average half a handle time for the first operator to free up.
  const rounds = (input.position - 0.5) / input.staffed;
  const expected = Math.max(0, rounds * mean);
  const margin = Math.sqrt(Math.max(rounds, 0.25)) * spread;
  return {
    low: Math.max(0, Math.round(expected - margin)),
    expected: Math.round(expected),
    high: Math.round(expected + margin),
  };
}
