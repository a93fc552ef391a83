import {
  bidLabel,
  type Criterion,
  criterionDescriptors,
  criterionName,
  priceBreakdownInWords,
  priceScoreInWords,
  type ScoreEntryInput,
  scaleMax,
  scoreEntryInputSchema,
  scoresCriterion,
} from '@chorus/shared';
import { type FormEvent, useCallback, useEffect, useRef, useState } from 'react';
import { Button } from '../../ui/Button.tsx';
import { FormError } from '../../ui/FormError.tsx';
import { RadioGroup } from '../../ui/RadioGroup.tsx';
import { TextAreaField } from '../../ui/TextAreaField.tsx';
import { useAction } from '../../ui/useAction.ts';
import type { EvaluationView, ViewEntry } from './evaluationApi.ts';

type Choice = `${number}` | 'abstain' | '';

/** The choices for a criterion, each level with its written descriptor. */
function choicesFor(criterion: Criterion): { value: Choice; label: string }[] {
  const levels = [...criterionDescriptors(criterion)].map((descriptor, level) => ({
    value: `${level}` as Choice,
    label: criterion.scale === 'pass_fail' ? descriptor : `${level} – ${descriptor}`,
  }));
  // Highest first, as score sheets are usually read.
  return [
    ...levels.reverse(),
    { value: 'abstain', label: 'Abstain: I cannot score this (say why below)' },
  ];
}

/**
 * One evaluator's own judgement of one bid against one criterion. What they typed stays
 * in the form if saving fails.
 */
function EntryForm({
  criterion,
  bidId,
  bidder,
  entry,
  frozen,
  onSave,
  onDirty,
}: {
  criterion: Criterion;
  bidId: string;
  bidder: string;
  entry: ViewEntry | undefined;
  frozen: boolean;
  onSave: (bidId: string, criterionId: string, input: ScoreEntryInput) => Promise<void>;
  /** Tells the sheet whether this form holds changes not yet saved. */
  onDirty: (key: string, dirty: boolean) => void;
}) {
  const [choice, setChoice] = useState<Choice>(
    entry ? (entry.kind === 'abstain' ? 'abstain' : (`${entry.score}` as Choice)) : '',
  );
  const [text, setText] = useState(
    entry ? (entry.kind === 'abstain' ? entry.reason : entry.rationale) : '',
  );
  const { busy, problem, setProblem, run } = useAction();
  const [saved, setSaved] = useState(false);
  const base = `entry-${bidId}-${criterion.id}`;
  const heading = `${criterionName(criterion)} for ${bidder}`;
  const savedChoice = entry ? (entry.kind === 'abstain' ? 'abstain' : `${entry.score}`) : '';
  const savedText = entry ? (entry.kind === 'abstain' ? entry.reason : entry.rationale) : '';
  const dirty = !frozen && (choice !== savedChoice || text.trim() !== savedText.trim());
  useEffect(() => onDirty(heading, dirty), [onDirty, heading, dirty]);

  const onSubmit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    if (busy) return;
    setSaved(false);
    if (choice === '') {
      setProblem('Choose a score, or abstain.');
      return;
    }
    const parsed = scoreEntryInputSchema.safeParse(
      choice === 'abstain'
        ? { kind: 'abstain', reason: text }
        : { kind: 'score', score: Number(choice), rationale: text },
    );
    if (!parsed.success) {
      setProblem(parsed.error.issues[0]?.message ?? 'Check the score and its rationale.');
      return;
    }
    await run(async () => {
      await onSave(bidId, criterion.id, parsed.data);
      setSaved(true);
    }, 'Saving failed. Try again.');
  };

  if (frozen) {
    return (
      <div className="evaluation-entry">
        <h4>{criterionName(criterion)}</h4>
        <p>
          {entry
            ? entry.kind === 'abstain'
              ? `You abstained: ${entry.reason}`
              : `Your score: ${entry.score} of ${scaleMax(criterion.scale)}. ${entry.rationale}`
            : 'You did not score this.'}
        </p>
      </div>
    );
  }
  return (
    <form className="evaluation-entry stack" onSubmit={onSubmit} noValidate aria-label={heading}>
      <h4>
        {criterionName(criterion)}
        {criterion.scale === 'pass_fail'
          ? ' (pass or fail)'
          : ` (${criterion.weight}% of the total)`}
      </h4>
      {problem ? <FormError message={problem} headingLevel={5} /> : null}
      <RadioGroup
        legend={`Your score for ${heading}`}
        name={base}
        id={`${base}-choice`}
        options={choicesFor(criterion)}
        value={choice}
        onChange={setChoice}
        error={problem && choice === '' ? problem : undefined}
      />
      <TextAreaField
        id={`${base}-text`}
        label={choice === 'abstain' ? 'Why you abstain' : 'Your rationale'}
        hint={
          choice === 'abstain'
            ? 'For example a conflict of interest, or that the question is outside your experience.'
            : 'The strengths and weaknesses you found, with reference to the bid (at least 20 characters).'
        }
        value={text}
        onChange={setText}
        error={problem && choice !== '' ? problem : undefined}
      />
      <div className="button-row">
        <Button type="submit" variant="secondary" busy={busy}>
          Save this score
        </Button>
        <p role="status" className="evaluation-saved">
          {saved ? 'Saved. Only you can see it until moderation opens.' : ''}
        </p>
      </div>
    </form>
  );
}

/** An evaluator's own score sheet: every bid against every criterion, then submit. */
export function ScoreSheet({
  view,
  onSave,
  onSubmit,
}: {
  view: EvaluationView;
  onSave: (bidId: string, criterionId: string, input: ScoreEntryInput) => Promise<void>;
  onSubmit: () => Promise<void>;
}) {
  const { setup } = view.evaluation;
  const { busy, problem, setProblem, run } = useAction();
  const [unsaved, setUnsaved] = useState<ReadonlySet<string>>(new Set());
  const onDirty = useCallback((key: string, dirty: boolean) => {
    setUnsaved((current) => {
      if (current.has(key) === dirty) return current;
      const next = new Set(current);
      if (dirty) next.add(key);
      else next.delete(key);
      return next;
    });
  }, []);
  const frozen = view.me.submitted || !view.me.canScore;
  // The submit button goes away on submitting: focus moves to what replaced it.
  const submittedRef = useRef<HTMLParagraphElement>(null);
  const wasSubmitted = useRef(view.me.submitted);
  useEffect(() => {
    if (view.me.submitted && !wasSubmitted.current) submittedRef.current?.focus();
    wasSubmitted.current = view.me.submitted;
  }, [view.me.submitted]);
  const entryOf = (bidId: string, criterionId: string) =>
    view.myEntries.find((e) => e.bidId === bidId && e.criterionId === criterionId);
  // The criteria this evaluator's group scores: the server sends only the ones they see, and
  // price among them (for those who see it) is calculated, not scored.
  const mine = setup.criteria.filter((c) => scoresCriterion(c, view.me.panelRole));
  const remaining = setup.bids.length * mine.length - view.myEntries.length;

  const submit = async () => {
    if (busy) return;
    // Submitting freezes the sheet as saved: unsaved text would vanish from the forms.
    if (unsaved.size > 0) {
      setProblem(
        `Save or undo your changes first: ${[...unsaved].join('; ')}. Submitting sends only saved scores.`,
      );
      return;
    }
    await run(async () => {
      await onSubmit();
    }, 'Submitting failed. Try again.');
  };

  return (
    <section aria-labelledby="score-sheet-heading" className="section">
      <h2 id="score-sheet-heading">Your scores</h2>
      <p>
        You score alone. Nobody else on the panel, not even the chair, can see your scores or
        rationale until moderation opens, and you cannot see theirs.
        {view.me.seesEverything
          ? null
          : ' You score the criteria your panel group scores; the panel’s other groups score the rest, which you do not see (price, for example).'}
      </p>
      {view.me.blockedLots.length > 0 ? (
        <p>
          Your declared conflict of interest keeps you out of{' '}
          {(setup.lots ?? [])
            .filter((l) => view.me.blockedLots.includes(l.id))
            .map((l) => `the lot “${l.name}”`)
            .join(' and ')}
          : its bids are not on your sheet, and you will not see their scores.
        </p>
      ) : null}
      {setup.bids.map((bid) => (
        <section key={bid.id} aria-labelledby={`bid-${bid.id}`} className="section panel stack">
          <h3 id={`bid-${bid.id}`}>{bidLabel(setup, bid)}</h3>
          {setup.criteria
            .filter((c) => c.scale === 'price')
            .map((criterion) => (
              <div key={criterion.id} className="evaluation-entry">
                <h4>
                  {criterionName(criterion)} ({criterion.weight}% of the total, calculated)
                </h4>
                <p>{priceScoreInWords(setup, criterion, bid)}</p>
                {setup.priceLines?.length ? <p>{priceBreakdownInWords(setup, bid)}</p> : null}
              </div>
            ))}
          {mine.map((criterion) => (
            <EntryForm
              key={criterion.id}
              criterion={criterion}
              bidId={bid.id}
              bidder={bid.bidder}
              entry={entryOf(bid.id, criterion.id)}
              frozen={frozen}
              onSave={onSave}
              onDirty={onDirty}
            />
          ))}
        </section>
      ))}
      {view.me.submitted ? (
        <p className="section" tabIndex={-1} ref={submittedRef}>
          You have submitted your scores. They can no longer change.
        </p>
      ) : view.me.canScore ? (
        <div className="section stack">
          <p>
            {remaining > 0
              ? `${remaining} ${remaining === 1 ? 'score still needs' : 'scores still need'} an answer before you can submit.`
              : 'Every bid has a score or an abstention from you for every criterion.'}{' '}
            Once submitted, your scores cannot change.
          </p>
          {problem ? <FormError message={problem} headingLevel={3} /> : null}
          <div>
            <Button onClick={submit} busy={busy}>
              Submit my scores
            </Button>
          </div>
        </div>
      ) : null}
    </section>
  );
}
