/**
 * Run chart rules as quality-improvement teams use them (the Model for Improvement; Perla,
 * Provost and Murray, "The run chart", BMJ Quality & Safety 2011), computed in one pure,
 * unit-tested function so every screen and export says the same.
 */

export interface DataPoint {
  /** ISO date, `YYYY-MM-DD`. */
  date: string;
  value: number;
}

export interface RunChartRules {
  /** Points in a row on one side of the median that make a shift (6 by default). */
  shift: number;
  /** Points in a row all going up, or all going down, that make a trend (5 by default). */
  trend: number;
}

export const defaultRunChartRules: RunChartRules = { shift: 6, trend: 5 };

export type Signal =
  | { kind: 'shift'; side: 'above' | 'below'; count: number; from: number; to: number }
  | { kind: 'trend'; direction: 'up' | 'down'; count: number; from: number; to: number }
  | { kind: 'too-few-runs' | 'too-many-runs'; runs: number; lowest: number; highest: number }
  | { kind: 'astronomical'; index: number };

export interface RunChartAnalysis<P extends DataPoint = DataPoint> {
  /** The points in date order (the chart's x axis), as given. */
  points: P[];
  median: number | null;
  /** Runs (series of points on one side of the median); null with too few useful points. */
  runs: number | null;
  signals: Signal[];
}

function medianOf(values: readonly number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1
    ? (sorted[mid] as number)
    : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

/** ln(k!) for k up to `n`, for exact run probabilities without overflow. */
function logFactorials(n: number): number[] {
  const table = [0];
  for (let k = 1; k <= n; k++) table.push((table[k - 1] as number) + Math.log(k));
  return table;
}

/**
 * The range of runs expected by chance for this many useful points (not on the median)
 * above and below it: the runs not in either 2.5% tail of the exact distribution of the
 * number of runs (Swed and Eisenhart), so 5% of random series fall outside it.
 */
export function expectedRuns(above: number, below: number): { lowest: number; highest: number } {
  const n = above + below;
  const lf = logFactorials(n);
  const logChoose = (a: number, b: number) =>
    b < 0 || b > a
      ? Number.NEGATIVE_INFINITY
      : (lf[a] as number) - (lf[b] as number) - (lf[a - b] as number);
  const total = logChoose(n, above);
  const probability = (runs: number): number => {
    const k = Math.floor(runs / 2);
    if (runs % 2 === 0) {
      return 2 * Math.exp(logChoose(above - 1, k - 1) + logChoose(below - 1, k - 1) - total);
    }
    return (
      Math.exp(logChoose(above - 1, k - 1) + logChoose(below - 1, k) - total) +
      Math.exp(logChoose(above - 1, k) + logChoose(below - 1, k - 1) - total)
    );
  };
  const most = 2 * Math.min(above, below) + (above === below ? 0 : 1);
  let lowest = 2;
  for (let cumulative = 0; lowest <= most; lowest++) {
    cumulative += probability(lowest);
    if (cumulative >= 0.025) break;
  }
  let highest = most;
  for (let cumulative = 0; highest >= 2; highest--) {
    cumulative += probability(highest);
    if (cumulative >= 0.025) break;
  }
  return { lowest, highest };
}

/**
 * Median, runs and signals of non-random variation:
 * - a **shift**: `rules.shift` or more points in a row above, or below, the median (points
 *   on the median neither break nor add to it);
 * - a **trend**: `rules.trend` or more points in a row each higher (or lower) than the one
 *   before (a repeated value neither breaks nor adds to it);
 * - **too few or too many runs** for the number of useful points (10 or more);
 * - an **astronomical point**: one far outside the rest, here beyond the median plus or
 *   minus three times the average moving range divided by 1.128 (an individuals chart's
 *   limits, around the median, with moving ranges over 3.27 times their average left out
 *   so one wild point does not widen them), from 8 points. Not judged while a shift or
 *   a trend shows: limits of a changing process mean nothing.
 */
export function analyseRunChart<P extends DataPoint>(
  data: readonly P[],
  rules: RunChartRules = defaultRunChartRules,
): RunChartAnalysis<P> {
  const points = [...data]
    .filter((p) => Number.isFinite(p.value))
    .sort((a, b) => a.date.localeCompare(b.date));
  const values = points.map((p) => p.value);
  const median = medianOf(values);
  const signals: Signal[] = [];
  if (median === null) return { points, median, runs: null, signals };

  // Shifts: consecutive useful points on one side; points on the median are skipped.
  let side: 'above' | 'below' | null = null;
  let count = 0;
  let first = -1;
  let last = -1;
  const closeShift = () => {
    if (side && count >= rules.shift) {
      signals.push({ kind: 'shift', side, count, from: first, to: last });
    }
  };
  values.forEach((v, i) => {
    if (v === median) return;
    const here = v > median ? 'above' : 'below';
    if (here === side) {
      count++;
      last = i;
    } else {
      closeShift();
      side = here;
      count = 1;
      first = i;
      last = i;
    }
  });
  closeShift();

  // Trends: steps all up or all down; equal neighbours are skipped.
  let direction: 'up' | 'down' | null = null;
  let steps = 0;
  let start = 0;
  let end = 0;
  let previous = 0;
  const closeTrend = () => {
    if (direction && steps + 1 >= rules.trend) {
      signals.push({ kind: 'trend', direction, count: steps + 1, from: start, to: end });
    }
  };
  values.forEach((v, i) => {
    if (i === 0) return;
    const before = values[previous] as number;
    if (v === before) return;
    const here = v > before ? 'up' : 'down';
    if (here === direction) {
      steps++;
      end = i;
    } else {
      closeTrend();
      direction = here;
      steps = 1;
      start = previous;
      end = i;
    }
    previous = i;
  });
  closeTrend();

  // Runs, counted over useful points only.
  const useful = values.filter((v) => v !== median);
  let runs: number | null = null;
  if (useful.length >= 10) {
    runs = 1;
    for (let i = 1; i < useful.length; i++) {
      if ((useful[i] as number) > median !== (useful[i - 1] as number) > median) runs++;
    }
    const above = useful.filter((v) => v > median).length;
    const { lowest, highest } = expectedRuns(above, useful.length - above);
    if (runs < lowest) signals.push({ kind: 'too-few-runs', runs, lowest, highest });
    if (runs > highest) signals.push({ kind: 'too-many-runs', runs, lowest, highest });
  }

  // Astronomical points.
  const changing = signals.some((s) => s.kind === 'shift' || s.kind === 'trend');
  if (values.length >= 8 && !changing) {
    const moving = values.slice(1).map((v, i) => Math.abs(v - (values[i] as number)));
    const average = moving.reduce((a, b) => a + b, 0) / moving.length;
    const kept = moving.filter((m) => m <= 3.27 * average);
    const sigma = kept.reduce((a, b) => a + b, 0) / Math.max(1, kept.length) / 1.128;
    if (sigma > 0) {
      values.forEach((v, index) => {
        if (Math.abs(v - median) > 3 * sigma) signals.push({ kind: 'astronomical', index });
      });
    }
  }
  return { points, median, runs, signals };
}

/** A day of a run chart as people read it: "2 Feb 2026" (the ISO text if it is not a date). */
/** A real calendar date written `YYYY-MM-DD` (so 2026-02-30 is not one). */
export function isIsoDate(text: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(text)) return false;
  const date = new Date(`${text}T00:00:00Z`);
  return !Number.isNaN(date.getTime()) && date.toISOString().slice(0, 10) === text;
}

export const formatDay = (iso: string) => {
  const date = new Date(`${iso}T00:00:00Z`);
  return Number.isNaN(date.getTime())
    ? iso
    : date.toLocaleDateString('en-GB', {
        day: 'numeric',
        month: 'short',
        year: 'numeric',
        timeZone: 'UTC',
      });
};

/**
 * Each signal in plain English, for people who find charts and statistics hard: what was
 * seen, between which dates, and what it usually means.
 */
export function describeSignal(signal: Signal, points: readonly DataPoint[]): string {
  const at = (i: number) => formatDay(points[i]?.date ?? '');
  switch (signal.kind) {
    case 'shift':
      return `Shift: ${signal.count} points in a row ${signal.side} the median, from ${at(signal.from)} to ${at(signal.to)}. Chance alone rarely does this: something changed.`;
    case 'trend':
      return `Trend: ${signal.count} points in a row each ${signal.direction === 'up' ? 'higher' : 'lower'} than the one before, from ${at(signal.from)} to ${at(signal.to)}. Chance alone rarely does this.`;
    case 'too-few-runs':
      return `Too few runs: the points cross the median only ${signal.runs - 1} ${signal.runs - 1 === 1 ? 'time' : 'times'} (${signal.runs} runs; by chance between ${signal.lowest} and ${signal.highest}). The process may have changed.`;
    case 'too-many-runs':
      return `Too many runs: the points cross the median ${signal.runs - 1} times (${signal.runs} runs; by chance between ${signal.lowest} and ${signal.highest}). Check whether data from different sources are mixed.`;
    case 'astronomical':
      return `Unusual point: ${at(signal.index)} is far from all the others. Find out what happened then.`;
  }
}

/**
 * A measure's definition (PRODUCT.md, "Measures"): which family it belongs to and how it
 * is counted, kept as fields of the run chart element so two people filling in different
 * fields at once both keep theirs.
 */
export const measureTypes = ['outcome', 'process', 'balancing'] as const;
export type MeasureType = (typeof measureTypes)[number];

export const measureTypeNames: Record<MeasureType, string> = {
  outcome: 'Outcome: what matters to patients, the result we want',
  process: 'Process: whether the steps that lead to it are done',
  balancing: 'Balancing: whether the change causes a problem elsewhere',
};

export const MEASURE_TYPE_FIELD = 'measureType';

export const measureFields: readonly {
  key: string;
  label: string;
  hint?: string;
  multiline?: boolean;
}[] = [
  {
    key: 'definition',
    label: 'What is measured',
    hint: 'In plain words, so anyone counts it the same way.',
    multiline: true,
  },
  { key: 'numerator', label: 'Numerator', hint: 'What is counted on top, if it is a rate.' },
  { key: 'denominator', label: 'Denominator', hint: 'What it is out of, if it is a rate.' },
  { key: 'dataSource', label: 'Data source', hint: 'Where the numbers come from.' },
  { key: 'frequency', label: 'How often', hint: 'For example weekly, or every clinic.' },
  { key: 'measureOwner', label: 'Who collects it' },
  { key: 'measureBaseline', label: 'Baseline', hint: 'Where it stood before the change.' },
  { key: 'target', label: 'Target', hint: 'Where the team aims to get it, and by when.' },
];

/** Every attribute of a measure's definition, for the server's check of each update. */
export const measureAttributes: readonly string[] = [
  MEASURE_TYPE_FIELD,
  ...measureFields.map((f) => f.key),
];

/**
 * The measure's definition in words, the fields left empty skipped. Each line names the
 * attribute it comes from, so an export can credit it to whoever wrote that field.
 */
export function measureDefinitionLines(
  attrs: Readonly<Record<string, unknown>>,
): { label: string; text: string; key: string }[] {
  const type = attrs[MEASURE_TYPE_FIELD];
  const lines: { label: string; text: string; key: string }[] = [];
  if (typeof type === 'string' && (measureTypes as readonly string[]).includes(type)) {
    lines.push({
      label: 'Kind of measure',
      text: measureTypeNames[type as MeasureType],
      key: MEASURE_TYPE_FIELD,
    });
  }
  for (const f of measureFields) {
    const v = attrs[f.key];
    if (typeof v === 'string' && v.trim()) {
      lines.push({ label: f.label, text: v.trim(), key: f.key });
    }
  }
  return lines;
}
