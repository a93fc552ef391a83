import { describe, expect, it } from 'vitest';
import {
  analyseRunChart,
  describeSignal,
  expectedRuns,
  measureDefinitionLines,
} from './runChart.ts';

/** Daily points from 1 March 2026 with the given values. */
const series = (...values: number[]) =>
  values.map((value, i) => ({ date: `2026-03-${String(i + 1).padStart(2, '0')}`, value }));

describe('run chart rules', () => {
  it('finds the median, ordering points by date whatever order they were entered in', () => {
    const points = series(5, 1, 3, 2).reverse();
    const result = analyseRunChart(points);
    expect(result.points.map((p) => p.value)).toEqual([5, 1, 3, 2]);
    expect(result.median).toBe(2.5);
    expect(analyseRunChart([]).median).toBeNull();
  });

  it('sees a shift of six points on one side, skipping points on the median, and not five', () => {
    // Median 5; points 5..10 are above it, with one on the median in between.
    const shift = analyseRunChart(series(1, 2, 3, 4, 5, 5, 7, 8, 5, 9, 10, 11, 12));
    expect(shift.median).toBe(5);
    expect(shift.signals).toContainEqual({
      kind: 'shift',
      side: 'above',
      count: 6,
      from: 6,
      to: 12,
    });
    const five = analyseRunChart(series(1, 9, 1, 9, 9, 9, 9, 9, 1, 1));
    expect(five.signals.filter((s) => s.kind === 'shift')).toEqual([]);
  });

  it('sees a trend of five rising points, with a repeated value neither breaking nor counting', () => {
    const result = analyseRunChart(series(9, 1, 2, 2, 3, 4, 5, 0));
    expect(result.signals).toContainEqual({
      kind: 'trend',
      direction: 'up',
      count: 5,
      from: 1,
      to: 6,
    });
    const four = analyseRunChart(series(5, 4, 3, 2, 9));
    expect(four.signals.filter((s) => s.kind === 'trend')).toEqual([]);
  });

  it('flags too few and too many runs for the number of useful points', () => {
    // The exact distribution: 16 points, 8 on each side, allow 5 to 13 runs.
    expect(expectedRuns(8, 8)).toEqual({ lowest: 5, highest: 13 });
    expect(expectedRuns(10, 10)).toEqual({ lowest: 7, highest: 15 });
    expect(expectedRuns(5, 5)).toEqual({ lowest: 3, highest: 9 });
    // Lopsided: 9 above and 1 below can only make 2 or 3 runs, and neither is unusual.
    expect(expectedRuns(9, 1)).toEqual({ lowest: 2, highest: 3 });
    // Alternating above and below: 20 runs where chance gives 7 to 15.
    const zigzag = analyseRunChart(
      series(...Array.from({ length: 20 }, (_, i) => (i % 2 ? 1 : 9))),
    );
    expect(zigzag.runs).toBe(20);
    expect(zigzag.signals).toContainEqual({
      kind: 'too-many-runs',
      runs: 20,
      lowest: 7,
      highest: 15,
    });
    // Ten low then ten high: 2 runs.
    const two = analyseRunChart(
      series(...Array.from({ length: 20 }, (_, i) => (i < 10 ? 1 + i / 100 : 9))),
    );
    expect(two.runs).toBe(2);
    expect(two.signals.some((s) => s.kind === 'too-few-runs')).toBe(true);
    // Fewer than ten useful points: runs are not judged.
    expect(analyseRunChart(series(1, 9, 1, 9)).runs).toBeNull();
  });

  it('does not call points of a steady improvement astronomical', () => {
    const line = analyseRunChart(series(...Array.from({ length: 20 }, (_, i) => i)));
    expect(line.signals.some((s) => s.kind === 'astronomical')).toBe(false);
    expect(line.signals.some((s) => s.kind === 'trend')).toBe(true);
  });

  it('flags an astronomical point far outside the rest', () => {
    const result = analyseRunChart(series(10, 11, 10, 12, 11, 10, 40, 11, 10, 12));
    expect(result.signals).toContainEqual({ kind: 'astronomical', index: 6 });
    expect(
      analyseRunChart(series(10, 11, 10, 12, 11, 10, 13, 11, 10, 12)).signals.some(
        (s) => s.kind === 'astronomical',
      ),
    ).toBe(false);
  });

  it('honours configured thresholds', () => {
    const points = series(1, 2, 3, 4, 0);
    expect(analyseRunChart(points, { shift: 6, trend: 4 }).signals).toContainEqual(
      expect.objectContaining({ kind: 'trend', count: 4 }),
    );
  });

  it('explains each signal in words, with dates', () => {
    const result = analyseRunChart(series(9, 1, 2, 2, 3, 4, 5, 0));
    const trend = result.signals.find((s) => s.kind === 'trend');
    if (!trend) throw new Error('no trend');
    expect(describeSignal(trend, result.points)).toBe(
      'Trend: 5 points in a row each higher than the one before, from 2 Mar 2026 to 7 Mar 2026. Chance alone rarely does this.',
    );
  });
});

describe('measureDefinitionLines', () => {
  it('says the kind of measure and each field filled in, and nothing of what is odd or empty', () => {
    expect(
      measureDefinitionLines({
        measureType: 'balancing',
        definition: '  Patients readmitted within 30 days ',
        numerator: '',
        target: 7 as unknown as string,
      }),
    ).toEqual([
      {
        label: 'Kind of measure',
        text: 'Balancing: whether the change causes a problem elsewhere',
        key: 'measureType',
      },
      {
        label: 'What is measured',
        text: 'Patients readmitted within 30 days',
        key: 'definition',
      },
    ]);
    expect(measureDefinitionLines({ measureType: 'vanity' })).toEqual([]);
  });
});
