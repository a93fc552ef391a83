import { scaleMax, wideDisagreement } from '@chorus/shared';
import type { EvaluationView } from './evaluationApi.ts';

const number = new Intl.NumberFormat('en-GB', { maximumFractionDigits: 2 });
const ordinal = (n: number) => {
  const rules = new Intl.PluralRules('en-GB', { type: 'ordinal' });
  const suffix = { one: 'st', two: 'nd', few: 'rd', other: 'th' } as const;
  return `${n}${suffix[rules.select(n) as keyof typeof suffix] ?? 'th'}`;
};

/**
 * Moderation: every individual score with its rationale, now frozen, and the provisional
 * result by the average method. Each figure is also said in words.
 */
export function ModerationView({
  view,
}: {
  view: EvaluationView & { moderation: NonNullable<EvaluationView['moderation']> };
}) {
  const { setup, panel } = view.evaluation;
  const { entries, results } = view.moderation;
  const nameOf = new Map(panel.map((m) => [m.userId, m.name]));

  return (
    <>
      <section aria-labelledby="results-heading" className="section">
        <h2 id="results-heading">Provisional result</h2>
        <p>
          Each bid’s total is out of 100. Every scored criterion adds its weight multiplied by the
          average individual score as a share of the top score: for example, an average of 3 out of
          4 on a criterion worth 40% adds 30. The panel agrees the final scores in moderation.
        </p>
        <table className="data-table">
          <caption>Weighted totals and ranking</caption>
          <thead>
            <tr>
              <th scope="col">Bid</th>
              <th scope="col">Total out of 100</th>
              <th scope="col">Rank</th>
            </tr>
          </thead>
          <tbody>
            {results.map((r) => {
              const bid = setup.bids.find((b) => b.id === r.bidId);
              return (
                <tr key={r.bidId}>
                  <th scope="row">{bid?.bidder}</th>
                  <td>{number.format(r.total)}</td>
                  <td>
                    {r.rank !== null
                      ? ordinal(r.rank)
                      : `Not ranked: below the minimum on ${r.failures.join(', ')}`}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </section>

      {setup.bids.map((bid) => {
        const result = results.find((r) => r.bidId === bid.id);
        return (
          <section key={bid.id} aria-labelledby={`moderate-${bid.id}`} className="section">
            <h2 id={`moderate-${bid.id}`}>Individual scores for {bid.bidder}</h2>
            {setup.criteria.map((criterion, i) => {
              const outcome = result?.criteria[i];
              const given = entries.filter(
                (e) => e.bidId === bid.id && e.criterionId === criterion.id,
              );
              return (
                <table key={criterion.id} className="data-table evaluation-scores">
                  <caption>
                    {criterion.title}:{' '}
                    {outcome?.average == null
                      ? 'no scores'
                      : `average ${number.format(outcome.average)} of ${scaleMax(criterion.scale)}`}
                    {outcome?.disagreement ? (
                      <strong className="evaluation-flag">
                        {' '}
                        Wide disagreement: scores differ by {wideDisagreement} or more levels (on
                        pass or fail: any split). Discuss before agreeing a score.
                      </strong>
                    ) : null}
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
              );
            })}
          </section>
        );
      })}
    </>
  );
}
