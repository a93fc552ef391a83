import {
  type CycleChangeIdea,
  type CycleRunChart,
  changeIdeaRemovedWords,
  isPdsaDecision,
  type PdsaDecision,
  type PdsaField,
  type PdsaStage,
  pdsaDecisionNames,
  pdsaDecisions,
  pdsaMoveProblem,
  pdsaPredictionLocked,
  pdsaStageNames,
  pdsaStageOf,
  pdsaStages,
  RUN_CHART_REMOVED,
  resolveChangeIdea,
  resolveRunChart,
  runChartName,
} from '@chorus/shared';
import { NodeViewWrapper, type ReactNodeViewProps, ReactNodeViewRenderer } from '@tiptap/react';
import { useEffect, useId, useRef, useState } from 'react';
import { ConfirmAction } from '../../ui/ConfirmAction.tsx';
import { RadioGroup } from '../../ui/RadioGroup.tsx';
import { SelectField } from '../../ui/SelectField.tsx';
import { revealBlock } from '../revealBlock.ts';
import { type FieldOptions, SyncedField, storedText } from '../SyncedField.tsx';
import { useBlockEditable } from '../useBlockEditable.ts';
import {
  followLinkedWordsPlugin,
  linkChangeIdea,
  type OfferedIdea,
  useChangeIdeas,
} from './changeIdeas.ts';
import { PdsaCycle } from './pdsaNodes.ts';
import { linkRunChart, type OfferedChart, runChartsIn, useRunCharts } from './runCharts.ts';

/** Longest text kept in a field (a field is a few paragraphs, not a document). */
const MAX_FIELD = 4_000;

/** Most change ideas offered to pick from (a diagram has a handful; this bounds a page's). */
const MAX_OFFERED = 200;

/** A stored field as text, whatever another client put there. */
const textOf = (value: unknown) => storedText(value, MAX_FIELD);

/** What the button that moves a cycle on says, for each stage it moves to. */
const moveLabels: Record<Exclude<PdsaStage, 'plan'>, string> = {
  do: 'Start Do',
  study: 'Move to Study',
  act: 'Move to Act',
  complete: 'Complete the cycle',
};

function PdsaCycleView({ node, editor, getPos, updateAttributes }: ReactNodeViewProps) {
  const field = (name: PdsaField) => textOf(node.attrs[name]);
  const stage = pdsaStageOf(node.attrs.stage);
  const reached = pdsaStages.indexOf(stage);
  const canEdit = useBlockEditable(editor);
  const title = field('title');
  const ideas = useChangeIdeas(editor);
  const changeIdea = resolveChangeIdea(
    { changeIdea: field('changeIdea'), changeIdeaId: node.attrs.changeIdeaId },
    ideas,
  );
  const charts = useRunCharts(editor);
  const runChart = resolveRunChart(node.attrs.runChartId, charts);
  const set = (name: PdsaField) => (value: string) => updateAttributes({ [name]: value });
  // After a move the button pressed is gone: focus goes to the stage line, and it is said.
  const nowRef = useRef<HTMLParagraphElement>(null);
  const [said, setSaid] = useState('');
  const move = (to: PdsaStage) => {
    updateAttributes({ stage: to });
    setSaid(
      to === 'do'
        ? 'Do started: the prediction is locked.'
        : `The cycle moved to ${pdsaStageNames[to]}.`,
    );
    requestAnimationFrame(() => nowRef.current?.focus());
  };
  // Picked from the diagram: linked by the idea's id, so a rename there follows here.
  const pick = (idea: OfferedIdea | null) => {
    if (!idea) {
      updateAttributes({ changeIdeaId: '', changeIdea: changeIdea.text });
      setSaid('The change idea is no longer linked to the driver diagram.');
      return;
    }
    const pos = getPos();
    const tr =
      typeof pos === 'number' ? linkChangeIdea(editor.state, pos, idea.key, idea.label) : null;
    if (!tr) {
      setSaid('That change idea has just been changed or removed: pick again.');
      return;
    }
    editor.view.dispatch(tr);
    setSaid(
      `The cycle now tests ${idea.label ? `“${idea.label}”` : 'that change idea'}, linked to the driver diagram.`,
    );
  };
  // The run chart holding the cycle's data, linked by the chart's id.
  const pickChart = (chart: OfferedChart | null) => {
    if (!chart) {
      updateAttributes({ runChartId: '' });
      setSaid('No run chart is linked to the cycle now.');
      return;
    }
    const pos = getPos();
    const tr =
      typeof pos === 'number' ? linkRunChart(editor.state, pos, chart.key, chart.measure) : null;
    if (!tr) {
      setSaid('That run chart has just been changed or removed: pick again.');
      return;
    }
    editor.view.dispatch(tr);
    setSaid(`${runChartName(chart.measure)} is linked to the cycle.`);
  };
  const goToChart = (uid: string) => {
    const chart = runChartsIn(editor.state.doc).find((c) => c.uid === uid);
    if (!chart || !revealBlock(editor, chart.pos)) {
      setSaid('That run chart is no longer in the document.');
    }
  };
  const synced = (name: PdsaField, label: string, options: FieldOptions = {}) => (
    <SyncedField
      label={label}
      value={field(name)}
      canEdit={canEdit}
      onChange={set(name)}
      maxLength={MAX_FIELD}
      {...options}
    />
  );

  return (
    <NodeViewWrapper
      as="section"
      className="pdsa"
      aria-label={`PDSA cycle${title ? `: ${title}` : ''}`}
      contentEditable={false}
      // Focused when someone follows a link to the cycle (from the driver diagram).
      tabIndex={-1}
      data-block-focus=""
    >
      <p className="pdsa__title">
        <strong>PDSA cycle</strong> (Plan, Do, Study, Act): a small test of a change.
      </p>
      <div className="pdsa__fields">
        {synced('title', 'Name of this test', {
          placeholder: 'For example: Cycle 1, text reminders in one clinic',
        })}
        <ChangeIdeaField
          idea={changeIdea}
          ideas={ideas}
          canEdit={canEdit}
          // Typing writes the cycle's own words, which are no longer the diagram's.
          onWrite={(text) => updateAttributes({ changeIdea: text, changeIdeaId: '' })}
          onPick={pick}
        />
      </div>
      <p className="pdsa__now" ref={nowRef} tabIndex={-1}>
        Now at: <strong>{pdsaStageNames[stage]}</strong>
      </p>
      <ol className="pdsa__stages" aria-label="Stages of the cycle">
        {pdsaStages.map((s, i) => (
          <li
            key={s}
            className={i < reached ? 'pdsa__stage--done' : i === reached ? 'pdsa__stage--now' : ''}
            aria-current={i === reached ? 'step' : undefined}
          >
            {pdsaStageNames[s]}
            <span className="visually-hidden">
              {i < reached ? ' (done)' : i === reached ? ' (current stage)' : ''}
            </span>
          </li>
        ))}
      </ol>

      <fieldset className="pdsa__part">
        <legend>Plan</legend>
        {synced('question', 'What question does this test answer?', { multiline: true })}
        <Prediction
          value={field('prediction')}
          stage={stage}
          canEdit={canEdit}
          onChange={set('prediction')}
        />
        {synced('arrangements', 'Who, what, where and when', { multiline: true })}
        {synced('dataPlan', 'Data to collect', { multiline: true })}
        <RunChartField
          chart={runChart}
          charts={charts}
          canEdit={canEdit}
          onPick={pickChart}
          onGoTo={goToChart}
        />
      </fieldset>
      {reached >= 1 ? (
        <fieldset className="pdsa__part">
          <legend>Do</legend>
          {synced('observations', 'What happened: observations and problems', {
            multiline: true,
          })}
        </fieldset>
      ) : null}
      {reached >= 2 ? (
        <fieldset className="pdsa__part">
          <legend>Study</legend>
          <p className="pdsa__predicted">
            <strong>What we predicted:</strong> {field('prediction') || '(no prediction)'}
          </p>
          {synced('result', 'What we found, compared with the prediction', {
            multiline: true,
          })}
        </fieldset>
      ) : null}
      {reached >= 3 ? (
        <fieldset className="pdsa__part">
          <legend>Act</legend>
          <Decision value={field('decision')} canEdit={canEdit} onChange={set('decision')} />
          {synced('nextSteps', 'Next steps', { multiline: true })}
        </fieldset>
      ) : null}
      {canEdit ? (
        <MoveOn
          key={stage}
          stage={stage}
          prediction={field('prediction')}
          decision={field('decision')}
          onMove={move}
        />
      ) : null}
      <p className="pdsa__said" role="status">
        {said}
      </p>
    </NodeViewWrapper>
  );
}

/** Words for a list of the diagram's ideas, telling apart ideas with the same words. */
function optionLabels(ideas: readonly OfferedIdea[]): string[] {
  const count = new Map<string, number>();
  for (const i of ideas) count.set(i.label, (count.get(i.label) ?? 0) + 1);
  return ideas.map((i) => {
    const words = i.label || '(a change idea not written yet)';
    return (count.get(i.label) ?? 0) > 1 && i.under ? `${words} (under “${i.under}”)` : words;
  });
}

/**
 * The change idea a cycle tests: written in the cycle, or picked from the document's driver
 * diagram (a native select, which every browser and screen reader knows), which links it to
 * the idea. Whether it is linked, and to an idea since removed, is said in words with the
 * field.
 */
function ChangeIdeaField({
  idea,
  ideas,
  canEdit,
  onWrite,
  onPick,
}: {
  idea: CycleChangeIdea;
  ideas: readonly OfferedIdea[];
  canEdit: boolean;
  onWrite: (text: string) => void;
  onPick: (idea: OfferedIdea | null) => void;
}) {
  const offered = ideas.slice(0, MAX_OFFERED);
  const labels = optionLabels(offered);
  const canPick = canEdit && offered.length > 0;
  let hint: string | undefined;
  if (idea.state === 'linked') {
    hint = `From the driver diagram: renamed there, it is renamed here.${
      canEdit ? ' Typing here writes your own words instead.' : ''
    }`;
  } else if (idea.state === 'removed') {
    hint = `${changeIdeaRemovedWords(idea.text)}.${
      canPick ? ' Pick another below, or write one.' : canEdit ? ' Write one, or add it there.' : ''
    }`;
  } else if (canPick) {
    hint = 'Write it, or pick one from the driver diagram below.';
  }
  return (
    <div className={`pdsa__change-idea pdsa__change-idea--${idea.state}`}>
      <SyncedField
        label="Change idea being tested"
        value={idea.text}
        canEdit={canEdit}
        onChange={onWrite}
        maxLength={MAX_FIELD}
        hint={hint}
      />
      {canPick ? (
        <SelectField
          label="Or pick one from the driver diagram"
          value={idea.state === 'linked' ? idea.uid : ''}
          options={[
            { value: '', label: 'None: the words written above' },
            ...offered.map((i, n) => ({ value: i.key, label: labels[n] ?? i.label })),
          ]}
          onChange={(key) => onPick(offered.find((i) => i.key === key) ?? null)}
        />
      ) : null}
    </div>
  );
}

/** Names for a list of the document's charts, telling apart charts of the same measure. */
function chartLabels(charts: readonly OfferedChart[]): string[] {
  const count = new Map<string, number>();
  return charts.map((c) => {
    const n = (count.get(c.measure) ?? 0) + 1;
    count.set(c.measure, n);
    const name = runChartName(c.measure);
    return n > 1 ? `${name} (chart ${n} of that measure)` : name;
  });
}

/**
 * The run chart of the document where the cycle's data are kept: picked from a native
 * select of the document's charts, shown by its measure with a button to go to it. A chart
 * since removed is said in words. It does not lock at Do (see `domain/pdsa.ts`).
 */
function RunChartField({
  chart,
  charts,
  canEdit,
  onPick,
  onGoTo,
}: {
  chart: CycleRunChart;
  charts: readonly OfferedChart[];
  canEdit: boolean;
  onPick: (chart: OfferedChart | null) => void;
  onGoTo: (uid: string) => void;
}) {
  const offered = charts.slice(0, MAX_OFFERED);
  const labels = chartLabels(offered);
  return (
    <div className={`pdsa__run-chart pdsa__run-chart--${chart.state}`}>
      {chart.state === 'linked' ? (
        <p>
          <strong>Data:</strong> {runChartName(chart.measure)}.{' '}
          <button type="button" className="button button--quiet" onClick={() => onGoTo(chart.uid)}>
            Go to the run chart<span className="visually-hidden"> of this cycle</span>
          </button>
        </p>
      ) : chart.state === 'removed' ? (
        <p>
          <strong>Data:</strong> {RUN_CHART_REMOVED}.
          {canEdit && offered.length > 0 ? ' Pick another below.' : ''}
        </p>
      ) : !canEdit ? (
        <p>
          <strong>Data:</strong> no run chart linked.
        </p>
      ) : null}
      {canEdit && offered.length > 0 ? (
        <SelectField
          label="Run chart for this cycle’s data"
          value={chart.state === 'linked' ? chart.uid : ''}
          options={[
            { value: '', label: 'None' },
            ...offered.map((c, n) => ({ value: c.key, label: labels[n] ?? c.measure })),
          ]}
          onChange={(key) => onPick(offered.find((c) => c.key === key) ?? null)}
        />
      ) : canEdit ? (
        <p className="field__hint">
          To keep this cycle’s data in a run chart, add one with Run chart in the toolbar, then link
          it here.
        </p>
      ) : null}
    </div>
  );
}

/**
 * The prediction: written while planning, then locked. Someone typing in it when another
 * person starts "Do" keeps what they typed on screen, with what happened, since the server
 * sets a change after the lock back.
 */
function Prediction({
  value,
  stage,
  canEdit,
  onChange,
}: {
  value: string;
  stage: PdsaStage;
  canEdit: boolean;
  onChange: (value: string) => void;
}) {
  const locked = pdsaPredictionLocked(stage);
  // What this person typed here while planning, kept past the field's removal at the lock;
  // forgotten once someone else's newer text replaced it (theirs then wins, lock or not).
  const typed = useRef<{ last: string; sent: Set<string> } | null>(null);
  const [late, setLate] = useState<string | null>(null);
  const wasLocked = useRef(locked);
  useEffect(() => {
    if (!locked && typed.current && !typed.current.sent.has(value)) typed.current = null;
  }, [value, locked]);
  useEffect(() => {
    const justLocked = locked && !wasLocked.current;
    wasLocked.current = locked;
    if (justLocked && typed.current) setLate(typed.current.last);
  }, [locked]);
  if (!locked) {
    return (
      <SyncedField
        label="Prediction: what do you expect to happen, and why?"
        hint="It locks when Do starts, so the study compares the result with what was expected."
        value={value}
        canEdit={canEdit}
        multiline
        onChange={(next) => {
          const sent = typed.current?.sent ?? new Set<string>();
          // Bounded: only the latest texts matter to tell someone else's apart.
          if (sent.size > 200) sent.clear();
          sent.add(next);
          typed.current = { last: next, sent };
          onChange(next);
        }}
      />
    );
  }
  return (
    <div className="pdsa__locked">
      <p className="field__label">Prediction (locked when Do started)</p>
      <p className="pdsa__prediction">{value || '(no prediction)'}</p>
      {late !== null && late !== value ? (
        <div className="inline-alert" role="alert">
          <p>
            Do started while you were changing the prediction, so it is locked and your change was
            not kept. What you typed:
          </p>
          <p className="pdsa__prediction">{late}</p>
          <button type="button" className="button button--quiet" onClick={() => setLate(null)}>
            Dismiss
          </button>
        </div>
      ) : null}
    </div>
  );
}

function Decision({
  value,
  canEdit,
  onChange,
}: {
  value: string;
  canEdit: boolean;
  onChange: (value: PdsaDecision) => void;
}) {
  const name = useId();
  if (!canEdit) {
    return (
      <p>
        <strong>Decision:</strong>{' '}
        {isPdsaDecision(value) ? pdsaDecisionNames[value] : 'not decided yet'}
      </p>
    );
  }
  return (
    <RadioGroup
      legend="Decision"
      name={name}
      options={pdsaDecisions.map((d) => ({ value: d, label: pdsaDecisionNames[d] }))}
      value={isPdsaDecision(value) ? value : ''}
      onChange={onChange}
    />
  );
}

/** The button to the next stage; starting Do asks first, as it locks the prediction. */
function MoveOn({
  stage,
  prediction,
  decision,
  onMove,
}: {
  stage: PdsaStage;
  prediction: string;
  decision: string;
  onMove: (to: PdsaStage) => void;
}) {
  // Whether the move was tried: what stops it is then shown until it is put right.
  const [tried, setTried] = useState(false);
  const next = pdsaStages[pdsaStages.indexOf(stage) + 1];
  if (!next || next === 'plan') {
    return <p className="pdsa__done">This cycle is complete.</p>;
  }
  const check = () => pdsaMoveProblem({ stage, prediction, decision }, next);
  const problem = tried ? check() : null;
  const label = moveLabels[next];
  return (
    <div className="pdsa__move">
      {next === 'do' ? (
        <ConfirmAction
          trigger={label}
          question="Starting Do locks the prediction for good. Start Do now?"
          confirmLabel="Yes, start Do"
          onConfirm={async () => {
            const reason = check();
            if (reason) throw new Error(reason);
            onMove(next);
          }}
        />
      ) : (
        <button
          type="button"
          className="button button--secondary"
          onClick={() => {
            setTried(true);
            if (!check()) onMove(next);
          }}
        >
          {label}
        </button>
      )}
      {problem ? (
        <p className="inline-alert" role="alert">
          {problem}
        </p>
      ) : null}
    </div>
  );
}

/** The PDSA cycle node with its view, for the editor (the schema alone is `PdsaCycle`). */
export const PdsaCycleWithView = PdsaCycle.extend({
  addNodeView() {
    return ReactNodeViewRenderer(PdsaCycleView);
  },
  addProseMirrorPlugins() {
    const { editor } = this;
    // Only someone who may change the blocks writes the words (as `useBlockEditable`).
    return [
      followLinkedWordsPlugin(() => editor.isEditable && !editor.storage.readOnlyContent?.locked()),
    ];
  },
});
