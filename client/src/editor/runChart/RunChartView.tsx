import {
  analyseRunChart,
  describeSignal,
  formatDay,
  isIsoDate,
  MEASURE_TYPE_FIELD,
  type MeasureType,
  measureDefinitionLines,
  measureFields,
  measureTypeNames,
  measureTypes,
  type DataPoint as Point,
  type RunChartAnalysis,
} from '@chorus/shared';
import type { Node as PmNode } from '@tiptap/pm/model';
import { NodeViewWrapper, type ReactNodeViewProps, ReactNodeViewRenderer } from '@tiptap/react';
import { Component, type FormEvent, type ReactNode, useId, useState } from 'react';
import { RadioGroup } from '../../ui/RadioGroup.tsx';
import { SyncedField, storedText } from '../SyncedField.tsx';
import { useBlockEditable } from '../useBlockEditable.ts';
import { useFieldDraft } from '../useFieldDraft.ts';
import { RunChart } from './runChartNodes.ts';

/** A data point as stored, with where it sits among the chart's children. */
interface StoredPoint extends Point {
  note: string;
  /** Index among the chart's child nodes (to remove it). */
  child: number;
}

/** Points drawn at most: a chart of years of daily data; more is not a run chart. */
const MAX_POINTS = 1_000;

/**
 * The chart's points as stored. The server checks only the names in an update, so a
 * point with a missing or odd value or date (written by some other client) is left out
 * rather than drawn as 0 or as an invalid date, and long text is cut for display.
 */
function pointsOf(node: PmNode): StoredPoint[] {
  const points: StoredPoint[] = [];
  node.forEach((child, _offset, index) => {
    const raw: unknown = child.attrs.value;
    const value =
      typeof raw === 'number'
        ? raw
        : typeof raw === 'string' && raw.trim() !== ''
          ? Number(raw)
          : Number.NaN;
    const date = typeof child.attrs.date === 'string' ? child.attrs.date : '';
    if (isIsoDate(date) && Number.isFinite(value)) {
      const note = typeof child.attrs.note === 'string' ? child.attrs.note.slice(0, 300) : '';
      points.push({ date, value, note, child: index });
    }
  });
  return points
    .sort((a, b) => a.date.localeCompare(b.date) || a.child - b.child)
    .slice(0, MAX_POINTS);
}

const clampRule = (value: unknown, fallback: number) => {
  const n = Number(value);
  return Number.isInteger(n) && n >= 3 && n <= 20 ? n : fallback;
};

const formatNumber = (n: number) => n.toLocaleString('en-GB', { maximumFractionDigits: 2 });

/** The chart and its signals, as a React node view inside the document. */
function RunChartView({ node, editor, getPos, updateAttributes }: ReactNodeViewProps) {
  const measure = typeof node.attrs.measure === 'string' ? node.attrs.measure.slice(0, 200) : '';
  const rules = {
    shift: clampRule(node.attrs.shift, 6),
    trend: clampRule(node.attrs.trend, 5),
  };
  const stored = pointsOf(node);
  const analysis = analyseRunChart(stored, rules);
  const canEdit = useBlockEditable(editor);
  const descriptionId = useId();
  const name = measure || 'an unnamed measure';

  // The chart as the document holds it now (not as last drawn: someone may have changed
  // it since), with its position.
  const editChart = (edit: (chart: PmNode, pos: number) => void) => {
    const pos = getPos();
    const chart = typeof pos === 'number' ? editor.state.doc.nodeAt(pos) : null;
    if (typeof pos === 'number' && chart?.type.name === 'runChart') edit(chart, pos);
  };
  const addPoint = (point: { date: string; value: number; note: string }) =>
    editChart((chart, pos) => {
      const { state, view } = editor;
      const created = state.schema.nodes.dataPoint?.create(point);
      if (!created) return;
      // At the end of the chart's children; the chart orders points by date itself.
      view.dispatch(state.tr.insert(pos + chart.nodeSize - 1, created));
    });
  const removePoint = (point: StoredPoint, row: number) =>
    editChart((chart, pos) => {
      if (point.child >= chart.childCount) return;
      const child = chart.child(point.child);
      if (child.attrs.date !== point.date) return;
      let at = pos + 1;
      for (let i = 0; i < point.child; i++) at += chart.child(i).nodeSize;
      const { state, view } = editor;
      view.dispatch(state.tr.delete(at, at + child.nodeSize));
      // Focus goes to the next point's Remove button (or the last one, or the form), not
      // to the page, once the chart has been drawn again.
      requestAnimationFrame(() => {
        const region = view.nodeDOM(pos);
        if (!(region instanceof HTMLElement)) return;
        const buttons = region.querySelectorAll<HTMLButtonElement>('table button');
        const next = buttons[Math.min(row, buttons.length - 1)];
        (next ?? region.querySelector<HTMLInputElement>('input[type="date"]'))?.focus();
      });
    });

  return (
    <NodeViewWrapper
      as="section"
      className="run-chart"
      aria-label={`Run chart of ${name}`}
      contentEditable={false}
      data-drag-handle={undefined}
      // Focused when someone follows a PDSA cycle's link to the chart.
      tabIndex={-1}
      data-block-focus=""
    >
      <p className="run-chart__title">
        <strong>Run chart</strong>
      </p>
      <MeasureName
        measure={measure}
        canEdit={canEdit}
        onChange={(m) => updateAttributes({ measure: m })}
      />
      <MeasureDefinition
        attrs={node.attrs}
        canEdit={canEdit}
        onChange={(key, value) => updateAttributes({ [key]: value })}
      />
      <ChartBoundary>
        <RunChartSvg analysis={analysis} name={name} descriptionId={descriptionId} />
        {analysis.points.length > 0 ? (
          <p className="run-chart__legend">
            The dashed line is the median. Squares mark points that are part of a signal.
          </p>
        ) : null}
        <Summary analysis={analysis} name={name} id={descriptionId} />
      </ChartBoundary>
      <PointsTable points={stored} canEdit={canEdit} onRemove={removePoint} />
      {canEdit ? <AddPointForm onAdd={addPoint} /> : null}
      <Rules rules={rules} canEdit={canEdit} onChange={(r) => updateAttributes(r)} />
    </NodeViewWrapper>
  );
}

function MeasureName({
  measure,
  canEdit,
  onChange,
}: {
  measure: string;
  canEdit: boolean;
  onChange: (measure: string) => void;
}) {
  const id = useId();
  const { text, setText, onFocus, onBlur } = useFieldDraft(measure);
  return (
    <div className="field run-chart__measure">
      <label className="field__label" htmlFor={id}>
        Measure
      </label>
      <input
        id={id}
        className="field__input"
        value={text}
        readOnly={!canEdit}
        maxLength={200}
        placeholder="For example: days from screening to results letter"
        onFocus={onFocus}
        onBlur={onBlur}
        onChange={(event) => {
          setText(event.target.value);
          onChange(event.target.value);
        }}
      />
    </div>
  );
}

/**
 * How the measure is defined (PRODUCT.md, "Measures"), behind a disclosure so the chart
 * stays first; its summary says in words what is filled in.
 */
function MeasureDefinition({
  attrs,
  canEdit,
  onChange,
}: {
  attrs: Record<string, unknown>;
  canEdit: boolean;
  onChange: (key: string, value: string) => void;
}) {
  const typeName = useId();
  const lines = measureDefinitionLines(attrs);
  const rawType = attrs[MEASURE_TYPE_FIELD];
  const type = (measureTypes as readonly unknown[]).includes(rawType)
    ? (rawType as MeasureType)
    : '';
  const target = lines.find((l) => l.label === 'Target');
  return (
    <details className="run-chart__definition">
      <summary>
        Definition of the measure
        {lines.length === 0
          ? ' (not written yet)'
          : `: ${type ? `${type} measure` : 'kind not chosen'}${target ? `, target ${target.text}` : ''}`}
      </summary>
      {canEdit ? (
        <RadioGroup
          legend="Kind of measure"
          name={typeName}
          options={measureTypes.map((t) => ({ value: t, label: measureTypeNames[t] }))}
          value={type}
          onChange={(t) => onChange(MEASURE_TYPE_FIELD, t)}
        />
      ) : (
        <p>
          <strong>Kind of measure:</strong> {type ? measureTypeNames[type] : 'not chosen yet'}
        </p>
      )}
      {measureFields.map((f) => (
        <SyncedField
          key={f.key}
          label={f.label}
          hint={f.hint}
          multiline={f.multiline ?? false}
          value={storedText(attrs[f.key], 1_000)}
          maxLength={1_000}
          canEdit={canEdit}
          onChange={(v) => onChange(f.key, v)}
        />
      ))}
    </details>
  );
}

const WIDTH = 600;
const HEIGHT = 220;
const PAD = { left: 48, right: 16, top: 16, bottom: 32 };

/** The points joined by a line, the median dashed; points in a signal drawn as squares. */
/** A chart that cannot be drawn says so, instead of taking the page down with it. */
class ChartBoundary extends Component<{ children: ReactNode }, { failed: boolean }> {
  override state = { failed: false };
  static getDerivedStateFromError() {
    return { failed: true };
  }
  override render() {
    return this.state.failed ? (
      <p className="field__error">This run chart could not be drawn. Its data is kept.</p>
    ) : (
      this.props.children
    );
  }
}

function RunChartSvg({
  analysis,
  name,
  descriptionId,
}: {
  analysis: RunChartAnalysis<StoredPoint>;
  name: string;
  descriptionId: string;
}) {
  const { points, median, signals } = analysis;
  if (points.length === 0) return null;
  // reduce, not spread: spreading a very long list into Math.min overflows the stack.
  const low = points.reduce((m, p) => Math.min(m, p.value), median ?? Number.POSITIVE_INFINITY);
  const high = points.reduce((m, p) => Math.max(m, p.value), median ?? Number.NEGATIVE_INFINITY);
  const span = high - low || 1;
  const x = (i: number) =>
    PAD.left +
    (points.length === 1 ? 0 : (i * (WIDTH - PAD.left - PAD.right)) / (points.length - 1));
  const y = (v: number) => PAD.top + ((high - v) * (HEIGHT - PAD.top - PAD.bottom)) / span;
  const flagged = new Set<number>();
  for (const s of signals) {
    if (s.kind === 'shift' || s.kind === 'trend') {
      for (let i = s.from; i <= s.to; i++) flagged.add(i);
    } else if (s.kind === 'astronomical') flagged.add(s.index);
  }
  return (
    <svg
      className="run-chart__svg"
      viewBox={`0 0 ${WIDTH} ${HEIGHT}`}
      role="img"
      aria-label={`Run chart of ${name}`}
      aria-describedby={descriptionId}
    >
      <line
        x1={PAD.left}
        x2={PAD.left}
        y1={PAD.top}
        y2={HEIGHT - PAD.bottom}
        className="run-chart__axis"
      />
      <line
        x1={PAD.left}
        x2={WIDTH - PAD.right}
        y1={HEIGHT - PAD.bottom}
        y2={HEIGHT - PAD.bottom}
        className="run-chart__axis"
      />
      <text x={PAD.left - 6} y={y(high) + 4} textAnchor="end" className="run-chart__label">
        {formatNumber(high)}
      </text>
      <text x={PAD.left - 6} y={y(low) + 4} textAnchor="end" className="run-chart__label">
        {formatNumber(low)}
      </text>
      {median !== null ? (
        <>
          <line
            x1={PAD.left}
            x2={WIDTH - PAD.right}
            y1={y(median)}
            y2={y(median)}
            className="run-chart__median"
          />
          <text
            x={WIDTH - PAD.right}
            y={y(median) - 4}
            textAnchor="end"
            className="run-chart__label"
          >
            median {formatNumber(median)}
          </text>
        </>
      ) : null}
      <polyline
        className="run-chart__line"
        points={points.map((p, i) => `${x(i)},${y(p.value)}`).join(' ')}
      />
      {points.map((p, i) =>
        flagged.has(i) ? (
          <rect
            key={p.child}
            x={x(i) - 5}
            y={y(p.value) - 5}
            width={10}
            height={10}
            className="run-chart__point run-chart__point--signal"
          />
        ) : (
          <circle key={p.child} cx={x(i)} cy={y(p.value)} r={4} className="run-chart__point" />
        ),
      )}
      <text x={PAD.left} y={HEIGHT - 8} className="run-chart__label">
        {formatDay(points[0]?.date ?? '')}
      </text>
      <text x={WIDTH - PAD.right} y={HEIGHT - 8} textAnchor="end" className="run-chart__label">
        {formatDay(points[points.length - 1]?.date ?? '')}
      </text>
    </svg>
  );
}

/** The chart in words: what it shows, and each signal with what it usually means. */
function Summary({ analysis, name, id }: { analysis: RunChartAnalysis; name: string; id: string }) {
  const { points, median, signals } = analysis;
  if (points.length === 0) {
    return (
      <p id={id} className="run-chart__summary">
        No data points yet. Add the first below: a date and the value measured then.
      </p>
    );
  }
  const first = points[0];
  const last = points[points.length - 1];
  return (
    <div id={id} className="run-chart__summary">
      <p>
        {points.length} {points.length === 1 ? 'point' : 'points'} for {name}
        {first && last && points.length > 1
          ? `, from ${formatDay(first.date)} to ${formatDay(last.date)}`
          : ''}
        {median !== null ? `; the median (middle value) is ${formatNumber(median)}.` : '.'}
      </p>
      {signals.length > 0 ? (
        <ul className="run-chart__signals" aria-label="Signals of change">
          {signals.map((s) => (
            <li key={JSON.stringify(s)}>{describeSignal(s, points)}</li>
          ))}
        </ul>
      ) : (
        <p>
          No signal of change yet: the ups and downs so far look like chance.
          {analysis.runs === null ? ' Runs are judged from 10 points off the median.' : ''}
        </p>
      )}
    </div>
  );
}

function PointsTable({
  points,
  canEdit,
  onRemove,
}: {
  points: StoredPoint[];
  canEdit: boolean;
  onRemove: (point: StoredPoint, row: number) => void;
}) {
  if (points.length === 0) return null;
  return (
    <table className="data-table run-chart__table">
      <caption>Data points</caption>
      <thead>
        <tr>
          <th scope="col">Date</th>
          <th scope="col">Value</th>
          <th scope="col">Note</th>
          {canEdit ? (
            <th scope="col">
              <span className="visually-hidden">Remove</span>
            </th>
          ) : null}
        </tr>
      </thead>
      <tbody>
        {points.map((p, row) => (
          <tr key={`${p.child}-${p.date}`}>
            <th scope="row">{formatDay(p.date)}</th>
            <td>{formatNumber(p.value)}</td>
            <td>{p.note}</td>
            {canEdit ? (
              <td>
                <button
                  type="button"
                  className="button button--quiet"
                  onClick={() => onRemove(p, row)}
                >
                  Remove
                  <span className="visually-hidden">
                    {' '}
                    the point of {formatDay(p.date)}, {formatNumber(p.value)}
                  </span>
                </button>
              </td>
            ) : null}
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function AddPointForm({
  onAdd,
}: {
  onAdd: (point: { date: string; value: number; note: string }) => void;
}) {
  const ids = { date: useId(), value: useId(), note: useId(), error: useId() };
  const [date, setDate] = useState('');
  const [value, setValue] = useState('');
  const [note, setNote] = useState('');
  const [problem, setProblem] = useState<string | null>(null);
  const [added, setAdded] = useState('');
  const submit = (event: FormEvent) => {
    event.preventDefault();
    const number = Number(value.trim().replace(/,/g, ''));
    if (!isIsoDate(date)) {
      setProblem('Enter the date the value was measured, for example 2026-03-01.');
      return;
    }
    if (value.trim() === '' || !Number.isFinite(number)) {
      setProblem('Enter the value as a number, for example 12 or 4.5.');
      return;
    }
    onAdd({ date, value: number, note: note.trim().slice(0, 300) });
    setAdded(`Added ${formatNumber(number)} on ${formatDay(date)}.`);
    setProblem(null);
    setValue('');
    setNote('');
  };
  // A form element inside the editor would nest forms in some pages: a group instead.
  return (
    <fieldset className="run-chart__add">
      <legend>Add a data point</legend>
      <div className="run-chart__fields">
        <div className="field">
          <label className="field__label" htmlFor={ids.date}>
            Date
          </label>
          <input
            id={ids.date}
            type="date"
            className="field__input"
            value={date}
            onChange={(e) => setDate(e.target.value)}
            aria-describedby={problem ? ids.error : undefined}
          />
        </div>
        <div className="field">
          <label className="field__label" htmlFor={ids.value}>
            Value
          </label>
          <input
            id={ids.value}
            inputMode="decimal"
            className="field__input"
            value={value}
            onChange={(e) => setValue(e.target.value)}
            onKeyDown={(e) => {
              if (e.key === 'Enter') submit(e);
            }}
            aria-describedby={problem ? ids.error : undefined}
          />
        </div>
        <div className="field">
          <label className="field__label" htmlFor={ids.note}>
            Note (optional)
          </label>
          <input
            id={ids.note}
            className="field__input"
            value={note}
            maxLength={300}
            onChange={(e) => setNote(e.target.value)}
            onKeyDown={(e) => {
              if (e.key === 'Enter') submit(e);
            }}
          />
        </div>
      </div>
      {problem ? (
        <p id={ids.error} className="field__error" role="alert">
          {problem}
        </p>
      ) : null}
      <button type="button" className="button button--secondary" onClick={submit}>
        Add the point
      </button>
      <p className="run-chart__added" role="status">
        {added}
      </p>
    </fieldset>
  );
}

function Rules({
  rules,
  canEdit,
  onChange,
}: {
  rules: { shift: number; trend: number };
  canEdit: boolean;
  onChange: (rules: { shift?: number; trend?: number }) => void;
}) {
  return (
    <details className="run-chart__rules">
      <summary>Rules for signals</summary>
      <div className="run-chart__fields">
        <RuleInput
          label="Points in a row on one side of the median for a shift"
          value={rules.shift}
          canEdit={canEdit}
          onCommit={(shift) => onChange({ shift })}
        />
        <RuleInput
          label="Points going up (or down) in a row for a trend"
          value={rules.trend}
          canEdit={canEdit}
          onCommit={(trend) => onChange({ trend })}
        />
      </div>
    </details>
  );
}

function RuleInput({
  label,
  value,
  canEdit,
  onCommit,
}: {
  label: string;
  value: number;
  canEdit: boolean;
  onCommit: (value: number) => void;
}) {
  const id = useId();
  // Typed freely (10 starts as 1), kept to the allowed range when the field is left.
  const [draft, setDraft] = useState<string | null>(null);
  return (
    <div className="field">
      <label className="field__label" htmlFor={id}>
        {label}
      </label>
      <input
        id={id}
        type="number"
        min={3}
        max={20}
        className="field__input"
        value={draft ?? String(value)}
        readOnly={!canEdit}
        onChange={(e) => setDraft(e.target.value)}
        onBlur={() => {
          if (draft === null) return;
          onCommit(clampRule(draft, value));
          setDraft(null);
        }}
      />
    </div>
  );
}

/** The run chart node with its view, for the editor (the schema alone is `RunChart`). */
export const RunChartWithView = RunChart.extend({
  addNodeView() {
    return ReactNodeViewRenderer(RunChartView);
  },
});
