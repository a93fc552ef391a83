import {
  agreedScoreInputSchema,
  bidLabel,
  type Criterion,
  criterionDescriptors,
  criterionName,
  evaluationMethod,
  moderatingPanelRoles,
  priceBreakdownInWords,
  priceScoreInWords,
  scaleMax,
  startRoundInputSchema,
  wideDisagreement,
} from '@chorus/shared';
import { type FormEvent, useCallback, useEffect, useState } from 'react';
import type { z } from 'zod';
import { Button } from '../../ui/Button.tsx';
import { ConfirmAction } from '../../ui/ConfirmAction.tsx';
import { FormError } from '../../ui/FormError.tsx';
import { SelectField } from '../../ui/SelectField.tsx';
import { TextAreaField } from '../../ui/TextAreaField.tsx';
import { useAction } from '../../ui/useAction.ts';
import {
  type BidResultView,
  type EvaluationView,
  reportDocxUrl,
  scoresCsvUrl,
} from './evaluationApi.ts';

type Moderation = NonNullable<EvaluationView['moderation']>;
type Agreed = Moderation['agreed'][number];
type AgreedScoreInput = z.input<typeof agreedScoreInputSchema>;

const number = new Intl.NumberFormat('en-GB', { maximumFractionDigits: 2 });
const ordinalRules = new Intl.PluralRules('en-GB', { type: 'ordinal' });
const ordinalSuffix: Record<string, string> = { one: 'st', two: 'nd', few: 'rd', other: 'th' };
const ordinal = (n: number) => `${n}${ordinalSuffix[ordinalRules.select(n)] ?? 'th'}`;

/** Totals and ranking, one table per lot, with what the numbers mean said in words. */
function ResultsTables({
  caption,
  results,
  view,
}: {
  caption: string;
  results: BidResultView[];
  view: EvaluationView;
}) {
  const lots = view.evaluation.setup.lots ?? [];
  if (lots.length === 0) return <ResultsTable caption={caption} results={results} view={view} />;
  return (
    <>
      {lots.map((lot) => (
        <ResultsTable
          key={lot.id}
          caption={`Lot ${lot.name}: ${caption.charAt(0).toLowerCase()}${caption.slice(1)}`}
          results={results.filter((r) => r.lotId === lot.id)}
          view={view}
        />
      ))}
    </>
  );
}

function ResultsTable({
  caption,
  results,
  view,
}: {
  caption: string;
  results: BidResultView[];
  view: EvaluationView;
}) {
  return (
    <table className="data-table">
      <caption>{caption}</caption>
      <thead>
        <tr>
          <th scope="col">Bid</th>
          <th scope="col">Total out of 100</th>
          <th scope="col">Rank</th>
        </tr>
      </thead>
      <tbody>
        {results.map((r) => (
          <tr key={r.bidId}>
            <th scope="row">{view.evaluation.setup.bids.find((b) => b.id === r.bidId)?.bidder}</th>
            <td>{number.format(r.total)}</td>
            <td>
              {r.rank !== null
                ? ordinal(r.rank)
                : r.failures.length > 0
                  ? `Not ranked: below the minimum on ${r.failures.join(', ')}`
                  : `Not ranked yet: nobody scored ${r.unscored.join(', ')}; the panel must agree a score`}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** The panel's agreed score for one bid and criterion; what was typed stays if saving fails. */
function AgreedForm({
  criterion,
  bidId,
  bidder,
  agreed,
  onSave,
}: {
  criterion: Criterion;
  bidId: string;
  bidder: string;
  agreed: Agreed | undefined;
  onSave: (
    bidId: string,
    criterionId: string,
    input: AgreedScoreInput,
  ) => Promise<Agreed | undefined>;
}) {
  // The agreed score this form's text started from: saving over a newer one is refused.
  const [basedOn, setBasedOn] = useState<number | null>(agreed?.agreedAt ?? null);
  const [score, setScore] = useState<string>(agreed ? String(agreed.score) : '');
  const [rationale, setRationale] = useState(agreed?.rationale ?? '');
  const [reason, setReason] = useState(agreed?.reason ?? '');
  // What the form last held from the server, to tell typing apart from a colleague's save.
  const [loaded, setLoaded] = useState({ score, rationale, reason });
  const edited =
    score !== loaded.score || rationale !== loaded.rationale || reason !== loaded.reason;
  const latestAt = agreed?.agreedAt ?? null;
  const takeTheirs = useCallback(() => {
    const theirs = {
      score: agreed ? String(agreed.score) : '',
      rationale: agreed?.rationale ?? '',
      reason: agreed?.reason ?? '',
    };
    setScore(theirs.score);
    setRationale(theirs.rationale);
    setReason(theirs.reason);
    setLoaded(theirs);
    setBasedOn(agreed?.agreedAt ?? null);
  }, [agreed]);
  // A colleague saved a newer agreed score (seen by polling): an untouched form follows it;
  // one being edited keeps its text and says so below.
  useEffect(() => {
    if (latestAt !== basedOn && !edited) takeTheirs();
  }, [latestAt, basedOn, edited, takeTheirs]);
  const { busy, problem, setProblem, run } = useAction();
  const [saved, setSaved] = useState(false);
  const base = `agreed-${bidId}-${criterion.id}`;
  const name = `Agreed score for ${criterion.title} for ${bidder}`;

  const onSubmit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    if (busy) return;
    setSaved(false);
    const parsed = agreedScoreInputSchema.safeParse({
      score: score === '' ? undefined : Number(score),
      rationale,
      reason: reason.trim() === '' ? null : reason,
      basedOn,
    });
    if (!parsed.success) {
      setProblem(parsed.error.issues[0]?.message ?? 'Check the agreed score and rationale.');
      return;
    }
    await run(async () => {
      const stored = await onSave(bidId, criterion.id, parsed.data);
      setBasedOn(stored?.agreedAt ?? null);
      setLoaded({ score, rationale, reason });
      setSaved(true);
    }, 'Saving failed. Try again.');
  };

  return (
    <form className="stack evaluation-agreed" onSubmit={onSubmit} noValidate aria-label={name}>
      {problem ? <FormError message={problem} headingLevel={4} /> : null}
      {latestAt !== basedOn && edited ? (
        <div className="evaluation-moved">
          <p>
            {agreed?.agreedByName ?? 'Someone'} saved a different agreed score while you were
            editing (shown above). Keep yours to replace it when you save, or use theirs.
          </p>
          <div className="button-row">
            <Button variant="secondary" onClick={() => setBasedOn(latestAt)}>
              Keep mine
            </Button>
            <Button variant="quiet" onClick={takeTheirs}>
              Use theirs
            </Button>
          </div>
        </div>
      ) : null}
      <SelectField
        id={`${base}-score`}
        label="Agreed score"
        value={score}
        placeholder="Choose the agreed score"
        onChange={setScore}
        options={criterionDescriptors(criterion).map((descriptor, level) => ({
          value: String(level),
          label: criterion.scale === 'pass_fail' ? descriptor : `${level} – ${descriptor}`,
        }))}
      />
      <TextAreaField
        id={`${base}-rationale`}
        label="Agreed rationale"
        value={rationale}
        onChange={setRationale}
        error={problem && score !== '' ? problem : undefined}
        rows={3}
      />
      <TextAreaField
        id={`${base}-reason`}
        label="Reason, if the agreed score differs from every individual score"
        value={reason}
        onChange={setReason}
        rows={2}
      />
      <div className="button-row">
        <Button type="submit" variant="secondary" busy={busy}>
          Save the agreed score
        </Button>
        <p role="status" className="evaluation-saved">
          {saved ? 'Agreed score saved.' : ''}
        </p>
      </div>
    </form>
  );
}

/**
 * Moderation: every individual score with its rationale, now frozen; the panel's agreed
 * score for each bid and criterion; the results; the chair's sign-off; the CSV export.
 */
export function ModerationView({
  view,
  moderation,
  documentId,
  onAgree,
  onSignOff,
  onNewRound,
}: {
  view: EvaluationView;
  moderation: Moderation;
  documentId: string;
  onAgree: (
    bidId: string,
    criterionId: string,
    input: AgreedScoreInput,
  ) => Promise<Agreed | undefined>;
  onSignOff: () => Promise<void>;
  onNewRound: (reason: string) => Promise<void>;
}) {
  const { setup, panel, state } = view.evaluation;
  const { entries, criterionResults, results, agreed, finalResults, earlier, rounds } = moderation;
  const nameOf = new Map(panel.map((m) => [m.userId, m.name]));
  const byAverage = evaluationMethod(setup) === 'average';
  const canAgree =
    state === 'moderation' &&
    !byAverage &&
    view.me.panelRole !== null &&
    moderatingPanelRoles.includes(view.me.panelRole);
  const agreeable = setup.criteria.filter((c) => c.scale !== 'price').length;
  const toAgree = byAverage ? 0 : setup.bids.length * agreeable - agreed.length;
  const shown = finalResults ?? results;
  const priced = setup.criteria.some((c) => c.scale === 'price');

  return (
    <>
      <section aria-labelledby="results-heading" className="section">
        <h2 id="results-heading">{finalResults || byAverage ? 'Result' : 'Provisional result'}</h2>
        <p>
          Each bid’s total is out of 100. Every scored criterion adds its weight multiplied by the
          score as a share of the top score: for example, 3 out of 4 on a criterion worth 40% adds
          30.{' '}
          {priced
            ? 'Price is scored from the prices: the lowest scores its full weight, and each other bid the lowest price as a share of its own. '
            : ''}
          {byAverage
            ? 'The published method is the average: the totals use the average of the individual scores, and the panel discusses disagreements but agrees no score.'
            : finalResults
              ? 'These totals use the scores the panel agreed.'
              : 'Until the panel has agreed a score for every criterion of every bid, the totals use the average of the individual scores.'}
        </p>
        {shown ? (
          <>
            <ResultsTables
              caption={
                finalResults && !byAverage
                  ? 'Agreed totals and ranking'
                  : 'Weighted totals and ranking'
              }
              results={shown}
              view={view}
            />
            <ul className="evaluation-downloads">
              <li>
                <a href={reportDocxUrl(documentId)} download>
                  Download the evaluation report (Word): outcome, assessment summaries and how the
                  decision was reached
                </a>
              </li>
              <li>
                <a href={scoresCsvUrl(documentId)} download>
                  Download every score as a spreadsheet (CSV)
                </a>
              </li>
            </ul>
          </>
        ) : (
          <p>
            {view.me.blockedLots.length > 0
              ? 'The totals and ranking draw on scores you may not see: the bids of a lot your declared conflict keeps you out of'
              : 'The totals and ranking combine every criterion, including some your panel group does not see (such as price)'}
            , so they are shown only to those who see every criterion and lot (the chair, for one).
            Below are the scores you may see.
          </p>
        )}
      </section>

      {rounds.length > 0 ? (
        <section aria-labelledby="rounds-heading" className="section">
          <h2 id="rounds-heading">Moderation rounds</h2>
          <p>
            This is round {view.evaluation.round}. Earlier rounds’ agreed scores are kept below each
            criterion.
          </p>
          <ul>
            {rounds.map((r) => (
              <li key={r.round}>
                Round {r.round}
                {r.afterSignOff ? ', a correction after sign-off,' : ''} started by{' '}
                {r.startedByName} because: {r.reason}
              </li>
            ))}
          </ul>
        </section>
      ) : null}

      {setup.bids.map((bid) => {
        const result = criterionResults.find((r) => r.bidId === bid.id);
        return (
          <section key={bid.id} aria-labelledby={`moderate-${bid.id}`} className="section">
            <h2 id={`moderate-${bid.id}`}>Moderation of {bidLabel(setup, bid)}</h2>
            {setup.criteria.map((criterion, i) => {
              const outcome = result?.criteria[i];
              if (criterion.scale === 'price') {
                return (
                  <div key={criterion.id} className="evaluation-moderate panel stack">
                    <h3>{criterionName(criterion)}</h3>
                    <p>{priceScoreInWords(setup, criterion, bid)}</p>
                    {setup.priceLines?.length ? <p>{priceBreakdownInWords(setup, bid)}</p> : null}
                  </div>
                );
              }
              const given = entries.filter(
                (e) => e.bidId === bid.id && e.criterionId === criterion.id,
              );
              const settled = agreed.find(
                (a) => a.bidId === bid.id && a.criterionId === criterion.id,
              );
              return (
                <div key={criterion.id} className="evaluation-moderate panel stack">
                  <h3>{criterionName(criterion)}</h3>
                  <p>
                    {outcome?.average == null
                      ? 'No individual scores (everyone abstained or nobody submitted).'
                      : `Individual average: ${number.format(outcome.average)} of ${scaleMax(criterion.scale)}.`}
                    {outcome?.disagreement ? (
                      <strong className="evaluation-flag">
                        Wide disagreement: individual scores differ by {wideDisagreement} or more
                        levels (on pass or fail: any split). Discuss before agreeing.
                      </strong>
                    ) : null}
                  </p>
                  <table className="data-table">
                    <caption>
                      Individual scores on {criterion.title} for {bid.bidder}
                    </caption>
                    <thead>
                      <tr>
                        <th scope="col">Evaluator</th>
                        <th scope="col">Score</th>
                        <th scope="col">Rationale</th>
                      </tr>
                    </thead>
                    <tbody>
                      {given.map((e) => (
                        <tr key={e.userId}>
                          <th scope="row">{nameOf.get(e.userId) ?? 'A former member'}</th>
                          <td>{e.kind === 'score' ? e.score : 'Abstained'}</td>
                          <td>{e.kind === 'score' ? e.rationale : e.reason}</td>
                        </tr>
                      ))}
                    </tbody>
                  </table>
                  {byAverage ? null : settled ? (
                    <p>
                      <strong>
                        Agreed: {settled.score} of {scaleMax(criterion.scale)}.
                      </strong>{' '}
                      {settled.rationale}
                      {settled.reason ? ` Why it differs: ${settled.reason}` : ''} (recorded by{' '}
                      {settled.agreedByName})
                    </p>
                  ) : (
                    <p>No agreed score yet.</p>
                  )}
                  {earlier
                    .filter((a) => a.bidId === bid.id && a.criterionId === criterion.id)
                    .map((a) => (
                      <p key={a.round} className="evaluation-earlier">
                        Round {a.round} (superseded): {a.score} of {scaleMax(criterion.scale)}.{' '}
                        {a.rationale} (recorded by {a.agreedByName})
                      </p>
                    ))}
                  {canAgree ? (
                    <AgreedForm
                      // A new round starts from an empty form.
                      key={`${criterion.id}-${view.evaluation.round}`}
                      criterion={criterion}
                      bidId={bid.id}
                      bidder={bid.bidder}
                      agreed={settled}
                      onSave={onAgree}
                    />
                  ) : null}
                </div>
              );
            })}
          </section>
        );
      })}

      {state === 'moderation' && view.me.panelRole === 'chair' ? (
        <SignOff remaining={toAgree} byAverage={byAverage} onSignOff={onSignOff} />
      ) : null}
      {view.me.panelRole === 'chair' ? (
        <NewRound correction={state === 'signed_off'} onStart={onNewRound} />
      ) : null}
    </>
  );
}

/** The chair's sign-off, confirmed first: it locks the evaluation (a binding step). */
function SignOff({
  remaining,
  byAverage,
  onSignOff,
}: {
  remaining: number;
  byAverage: boolean;
  onSignOff: () => Promise<void>;
}) {
  return (
    <section aria-labelledby="signoff-heading" className="section panel stack">
      <h2 id="signoff-heading">Sign off</h2>
      <p>
        {byAverage
          ? 'By the published method the averages of the individual scores are the result: sign off once the panel has discussed every disagreement.'
          : remaining > 0
            ? `${remaining} ${remaining === 1 ? 'criterion still needs' : 'criteria still need'} an agreed score before you can sign off.`
            : 'Every bid has an agreed score for every criterion.'}{' '}
        Signing off locks the evaluation: no score can change after it, except through a correction
        round that keeps this result on record.
      </p>
      <ConfirmAction
        trigger="Sign off the evaluation"
        question={`Sign off now? The ${byAverage ? 'averages' : 'agreed scores'} and ranking become the evaluation’s result.`}
        confirmLabel="Yes, sign off"
        onConfirm={onSignOff}
      />
    </section>
  );
}

/**
 * The chair starts another moderation round (after clarification questions), or reopens a
 * signed-off evaluation to correct it: either way a recorded new round, never a silent edit.
 */
function NewRound({
  correction,
  onStart,
}: {
  correction: boolean;
  onStart: (reason: string) => Promise<void>;
}) {
  const [reason, setReason] = useState('');
  const { busy, problem, setProblem, run } = useAction();
  const title = correction ? 'Correct the signed-off evaluation' : 'Start another moderation round';
  const onSubmit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    if (busy) return;
    const parsed = startRoundInputSchema.safeParse({ reason });
    if (!parsed.success) {
      setProblem(parsed.error.issues[0]?.message ?? 'Say why another round is needed.');
      return;
    }
    await run(async () => {
      await onStart(parsed.data.reason);
      setReason('');
    }, 'Starting the round failed. Try again.');
  };
  return (
    <section aria-labelledby="new-round-heading" className="section panel">
      <h2 id="new-round-heading">{title}</h2>
      <p>
        {correction
          ? 'A correction reopens moderation as a new round: the signed-off scores stay on record, the panel agrees the corrected ones, and you sign off again.'
          : 'For example after bidders answer clarification questions. This round’s agreed scores stay on record; the panel agrees scores afresh. Individual scores stay frozen.'}
      </p>
      <form className="stack" onSubmit={onSubmit} noValidate aria-label={title}>
        {problem ? <FormError message={problem} headingLevel={3} /> : null}
        <TextAreaField
          label={correction ? 'What needs correcting, and why' : 'Why another round is needed'}
          value={reason}
          onChange={setReason}
          rows={2}
        />
        <div>
          <Button type="submit" variant="secondary" busy={busy}>
            {correction ? 'Reopen for a correction' : 'Start round'}
          </Button>
        </div>
      </form>
    </section>
  );
}
