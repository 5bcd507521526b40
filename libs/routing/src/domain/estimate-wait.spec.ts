import { estimateWait } from './estimate-wait';

describe('estimateWait', () => {
  it('has no estimate when nobody can take the queue', () => {
    expect(
      estimateWait({ position: 1, staffed: 0, handleTimes: [60], defaultHandleSeconds: 120 }),
    ).toBeNull();
  });

  it('grows with the position and shrinks with the staff', () => {
    const one = estimateWait({ position: 4, staffed: 1, handleTimes: [60, 60], defaultHandleSeconds: 120 })!;
    const two = estimateWait({ position: 4, staffed: 2, handleTimes: [60, 60], defaultHandleSeconds: 120 })!;
    const later = estimateWait({
      position: 8,
      staffed: 1,
      handleTimes: [60, 60],
      defaultHandleSeconds: 120,
    })!;
    expect(one.expected).toBe(210);
    expect(two.expected).toBe(105);
    expect(later.expected).toBeGreaterThan(one.expected);
  });

  it('uses the default handle time without history and gives a range around the estimate', () => {
    const estimate = estimateWait({ position: 1, staffed: 1, handleTimes: [], defaultHandleSeconds: 120 })!;
    expect(estimate.expected).toBe(60);
    expect(estimate.low).toBeLessThan(estimate.expected);
    expect(estimate.high).toBeGreaterThan(estimate.expected);
  });

  it('widens the range when handle times vary more', () => {
    const steady = estimateWait({
      position: 3,
      staffed: 1,
      handleTimes: [100, 100, 100],
      defaultHandleSeconds: 120,
    })!;
    const erratic = estimateWait({
      position: 3,
      staffed: 1,
      handleTimes: [20, 100, 180],
      defaultHandleSeconds: 120,
    })!;
    expect(erratic.high - erratic.low).toBeGreaterThan(steady.high - steady.low);
  });
});
