import { REPORT_CSV_COLUMNS, reportToCsv } from './report-csv';
import { emptyTotals, deriveFigures } from './domain/metric-definitions';
import type { IntervalReport } from './report.service';

describe('report CSV', () => {
  const totals = {
    ...emptyTotals(),
    offered: 3,
    answered: 2,
    answeredWithinTarget: 1,
    answerWaitSeconds: 30,
  };
  const report: IntervalReport = {
    from: '2026-11-02T00:00:00.000Z',
    to: '2026-11-03T00:00:00.000Z',
    interval: '1d',
    groupBy: 'operator',
    timeZone: 'UTC',
    shortAbandonSeconds: 5,
    rows: [
      {
        intervalStart: '2026-11-02T00:00:00.000Z',
        intervalEnd: '2026-11-03T00:00:00.000Z',
        key: 'op-1',
        label: '=HYPERLINK("x"), "Anna"',
        ...totals,
        ...deriveFigures(totals),
        stateSeconds: { available: 100.04, reserved: 1, busy: 50, wrap_up: 10, away: 0 },
        occupancyPercent: 37.5,
      },
    ],
    total: { ...totals, ...deriveFigures(totals) },
  };

  it('writes the documented header and one CRLF line per row, quoting and defusing text', () => {
    const lines = reportToCsv(report).split('\r\n');
    expect(lines[0]).toBe(REPORT_CSV_COLUMNS.join(','));
    expect(lines[1]).toBe(
      '2026-11-02T00:00:00.000Z,2026-11-03T00:00:00.000Z,operator,op-1,"\'=HYPERLINK(""x""), ""Anna""",' +
        '3,2,1,0,0,0,0,50,15,0,,0,0,100,1,50,10,0,37.5,0',
    );
    expect(lines[2]).toBe('');
    expect(lines).toHaveLength(3);
  });
});
