/**
 * How wrong are the estimated waits told to callers? A discrete-event simulation of one queue (Poisson
 * arrivals, `staff` operators, log-normal handle times, FIFO) where every arriving caller is given
 * estimateWait() from their position, the staff and the last 50 handle times — exactly what the service
 * computes — and the estimate is compared with the wait that followed.
 *
 *   node -r @swc-node/register bench/routing/wait-estimate-sim.ts
 */
import { estimateWait } from '../../libs/routing/src/domain/estimate-wait';

function rng(seed: number) {
  let state = seed >>> 0;
  return () => {
    state = (state * 1664525 + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

function simulate(options: { staff: number; load: number; meanHandle: number; calls: number; seed: number }) {
  const random = rng(options.seed);
  const exponential = (mean: number) => -Math.log(1 - random()) * mean;
  const logNormal = (mean: number) => {
    const sigma = 0.6;
    const normal = Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
    return mean * Math.exp(sigma * normal - (sigma * sigma) / 2);
  };
  const arrivalMean = options.meanHandle / (options.staff * options.load);
  const free: number[] = Array(options.staff).fill(0); // when each operator is next free
  const recent: number[] = [];
  const waitingUntil: number[] = []; // start times of callers already in queue (FIFO)
  let now = 0;
  const errors: number[] = [];
  const inRange: boolean[] = [];
  for (let i = 0; i < options.calls; i++) {
    now += exponential(arrivalMean);
    // Callers still waiting at `now` are those whose service starts after now.
    while (waitingUntil.length && waitingUntil[0] <= now) waitingUntil.shift();
    const position = waitingUntil.length + 1;
    const estimate = estimateWait({
      position,
      staffed: options.staff,
      handleTimes: recent,
      defaultHandleSeconds: 180,
    });
    free.sort((a, b) => a - b);
    const start = Math.max(now, free[0]);
    const handle = logNormal(options.meanHandle);
    free[0] = start + handle;
    waitingUntil.push(start);
    waitingUntil.sort((a, b) => a - b);
    recent.unshift(handle);
    if (recent.length > 50) recent.pop();
    const actual = start - now;
    if (estimate && i > 200) {
      errors.push(Math.abs(estimate.expected - actual));
      inRange.push(actual >= estimate.low && actual <= estimate.high);
    }
  }
  const mae = errors.reduce((sum, value) => sum + value, 0) / errors.length;
  const coverage = inRange.filter(Boolean).length / inRange.length;
  return { mae, coverage };
}

const rows: string[] = [
  '| staff | load | mean handle (s) | MAE of expected wait (s) | actual wait inside the told range |',
  '|---|---|---|---|---|',
];
for (const staff of [2, 5, 20]) {
  for (const load of [0.7, 0.9]) {
    const { mae, coverage } = simulate({ staff, load, meanHandle: 180, calls: 20000, seed: 42 });
    rows.push(`| ${staff} | ${load} | 180 | ${mae.toFixed(1)} | ${(coverage * 100).toFixed(1)}% |`);
  }
}
process.stdout.write(`${rows.join('\n')}\n`);
