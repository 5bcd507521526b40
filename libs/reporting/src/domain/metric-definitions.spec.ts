import {
  abandonmentRatePercent,
  addTotals,
  averageHandleTimeSeconds,
  averageSpeedOfAnswerSeconds,
  ContactFacts,
  contactTotals,
  deriveFigures,
  emptyTotals,
  occupancyPercent,
  serviceLevelPercent,
} from './metric-definitions';

const thresholds = { targetSeconds: 20, shortAbandonSeconds: 5 };
const at = (seconds: number) => Date.parse('2026-11-23T09:00:00Z') + seconds * 1000;

function facts(change: Partial<ContactFacts>): ContactFacts {
  return { queuedAt: at(0), connectedAt: null, endedAt: null, finalState: null, transfers: 0, ...change };
}

describe('metric definitions', () => {
  it('counts an answered and completed contact: speed of answer, target, handle time', () => {
    const totals = contactTotals(
      facts({ connectedAt: at(15), endedAt: at(135), finalState: 'completed', transfers: 1 }),
      thresholds,
    );
    expect(totals).toEqual({
      ...emptyTotals(),
      offered: 1,
      answered: 1,
      answeredWithinTarget: 1,
      answerWaitSeconds: 15,
      longestWaitSeconds: 15,
      handled: 1,
      handleSeconds: 120,
      transfers: 1,
    });
  });

  it('answered exactly at the target is within it; a second later is not', () => {
    expect(contactTotals(facts({ connectedAt: at(20) }), thresholds).answeredWithinTarget).toBe(1);
    expect(contactTotals(facts({ connectedAt: at(21) }), thresholds).answeredWithinTarget).toBe(0);
  });

  it('counts a callback that never reached the customer as offered and unanswered, not abandoned', () => {
    // Its waits until each attempt are not answers: `connected` is logged only when the customer picks up.
    const totals = contactTotals(facts({ endedAt: at(1300), finalState: 'callback_failed' }), thresholds);
    expect(totals).toEqual({ ...emptyTotals(), offered: 1, longestWaitSeconds: 1300 });
  });

  it('counts a contact the queue rules ended closed as offered and closed, neither abandoned nor answered', () => {
    const totals = contactTotals(facts({ endedAt: at(0), finalState: 'closed' }), thresholds);
    expect(totals).toEqual({ ...emptyTotals(), offered: 1, closed: 1 });
    const afterWaiting = contactTotals(facts({ endedAt: at(45), finalState: 'closed' }), thresholds);
    expect(afterWaiting).toEqual({ ...emptyTotals(), offered: 1, closed: 1, longestWaitSeconds: 45 });
  });

  it('counts a caller put through to a directory number as offered, its wait ending at the transfer', () => {
    const totals = contactTotals(facts({ endedAt: at(3), finalState: 'transferred' }), thresholds);
    expect(totals).toEqual({ ...emptyTotals(), offered: 1, longestWaitSeconds: 3 });
  });

  it('tells short abandons from abandons by the wait, strictly under the threshold', () => {
    const short = contactTotals(facts({ endedAt: at(4.9), finalState: 'abandoned' }), thresholds);
    const long = contactTotals(facts({ endedAt: at(5), finalState: 'abandoned' }), thresholds);
    expect(short).toMatchObject({ abandoned: 1, shortAbandons: 1, answered: 0, longestWaitSeconds: 4.9 });
    expect(long).toMatchObject({ abandoned: 1, shortAbandons: 0, longestWaitSeconds: 5 });
  });

  it('counts a message taken, and a contact still waiting only as offered', () => {
    expect(contactTotals(facts({ endedAt: at(60), finalState: 'message_taken' }), thresholds)).toMatchObject({
      offered: 1,
      messagesTaken: 1,
      abandoned: 0,
      longestWaitSeconds: 60,
    });
    expect(contactTotals(facts({}), thresholds)).toEqual({ ...emptyTotals(), offered: 1 });
  });

  it('adds totals, keeping the longest wait as a maximum', () => {
    const a = contactTotals(
      facts({ connectedAt: at(30), endedAt: at(90), finalState: 'completed' }),
      thresholds,
    );
    const b = contactTotals(facts({ endedAt: at(45), finalState: 'abandoned' }), thresholds);
    expect(addTotals(a, b)).toMatchObject({ offered: 2, answered: 1, abandoned: 1, longestWaitSeconds: 45 });
  });

  it('derives the rates with one decimal, null when there is nothing to divide', () => {
    expect(serviceLevelPercent({ answered: 3, answeredWithinTarget: 2 })).toBe(66.7);
    expect(serviceLevelPercent({ answered: 0, answeredWithinTarget: 0 })).toBeNull();
    expect(averageSpeedOfAnswerSeconds({ answered: 3, answerWaitSeconds: 10 })).toBe(3.3);
    expect(averageHandleTimeSeconds({ handled: 0, handleSeconds: 0 })).toBeNull();
    expect(averageHandleTimeSeconds({ handled: 2, handleSeconds: 301 })).toBe(150.5);
    // 3 abandoned of which 1 short: 2 counted against 4 answered.
    expect(abandonmentRatePercent({ answered: 4, abandoned: 3, shortAbandons: 1 })).toBe(33.3);
    // Only short abandons: nothing to count either way.
    expect(abandonmentRatePercent({ answered: 0, abandoned: 2, shortAbandons: 2 })).toBeNull();
    expect(deriveFigures(emptyTotals())).toEqual({
      serviceLevelPercent: null,
      averageSpeedOfAnswerSeconds: null,
      abandonmentRatePercent: null,
      averageHandleTimeSeconds: null,
    });
  });

  it('occupancy is working time over working plus available time; away does not count', () => {
    expect(occupancyPercent({ available: 300, reserved: 60, busy: 480, wrap_up: 60, away: 3600 })).toBe(66.7);
    expect(occupancyPercent({ available: 0, reserved: 0, busy: 0, wrap_up: 0, away: 900 })).toBeNull();
  });
});
