/** Every score as CSV for the procurement record, once moderation has opened. */
import {
  type AgreedScore,
  bidLabel,
  conflictLotsInWords,
  criterionName,
  criterionScaleLabels,
  declarationOutdated,
  declarationsByMember,
  declaredWithNames,
  evaluationMethod,
  lotBids,
  lowestPrice,
  panelRoleLabels,
  priceBreakdownInWords,
  priceScore,
  scaleMax,
} from '@chorus/shared';
import type { DocumentRecord, Storage } from '../../storage/types.ts';
import { toCsv } from '../csv.ts';
import { type EvaluationActor, forPanel, panelRoleOf, requireExportable } from './guards.ts';
import { moderationOf } from './view.ts';

/** Whether the bidders' names were known when a declaration was made (`declaredWithNames`). */
const namesKnownInWords = (known: boolean | null) =>
  known === null
    ? 'Known: scored with the names'
    : known
      ? 'Known: made after the chair revealed them'
      : 'Not known: made before the chair revealed them';

/**
 * Every individual and agreed score as CSV, for the procurement record. Refused until
 * moderation opens: before then no export may show one evaluator's scores to anyone.
 */
export async function scoresCsv(
  storage: Storage,
  document: DocumentRecord,
  actor: EvaluationActor,
): Promise<string> {
  const evaluation = await forPanel(storage, document, actor);
  await requireExportable(storage, evaluation, actor, 'Scores can be exported');
  const members = await storage.workspaces.listMembers(document.workspaceId);
  const nameOf = new Map(members.map((m) => [m.userId, m.name]));
  const { setup } = evaluation;
  const {
    entries,
    agreed,
    earlier,
    finalResults: final,
  } = await moderationOf(storage, evaluation, nameOf);
  const rows: (string | number)[][] = [
    [
      'Bid',
      'Criterion',
      'How scored',
      'Weight %',
      'Who',
      'Panel role',
      'Score',
      'Out of',
      'Rationale',
      'Reason',
    ],
  ];
  for (const bid of setup.bids) {
    for (const c of setup.criteria) {
      const base = [
        bidLabel(setup, bid),
        criterionName(c),
        criterionScaleLabels[c.scale],
        c.weight,
      ];
      if (c.scale === 'price') {
        // The lowest in the bid's own lot, which its score is worked out against.
        const lowest = lowestPrice(lotBids(setup.bids, bid.lotId));
        rows.push([
          ...base,
          'Calculated from the prices',
          '',
          priceScore(setup.bids, bid) ?? 'No price',
          scaleMax(c.scale),
          `Price ${bid.price != null ? `£${bid.price.toFixed(2)}` : 'not recorded'}; lowest price £${lowest?.toFixed(2) ?? ''}; score = lowest ÷ this price × 100${setup.priceLines?.length ? `. ${priceBreakdownInWords(setup, bid)}` : ''}`,
          '',
        ]);
        continue;
      }
      for (const e of entries.filter((x) => x.bidId === bid.id && x.criterionId === c.id)) {
        const role = panelRoleOf(evaluation, e.userId);
        rows.push([
          ...base,
          nameOf.get(e.userId) ?? 'A former member',
          role ? panelRoleLabels[role] : '',
          e.kind === 'score' ? e.score : 'Abstained',
          scaleMax(c.scale),
          e.kind === 'score' ? e.rationale : '',
          e.kind === 'abstain' ? e.reason : '',
        ]);
      }
      // Earlier rounds first, then the round that counts.
      const pair = (x: AgreedScore) => x.bidId === bid.id && x.criterionId === c.id;
      for (const a of [...earlier.filter(pair), ...agreed.filter(pair)]) {
        const superseded = a.round < evaluation.round ? ', superseded' : '';
        rows.push([
          ...base,
          `Agreed by the panel in round ${a.round}${superseded} (recorded by ${a.agreedByName})`,
          '',
          a.score,
          scaleMax(c.scale),
          a.rationale,
          a.reason ?? '',
        ]);
      }
    }
  }
  const questions = await storage.bids.clarifications(document.id);
  if (questions.length > 0) {
    const answers = await storage.bids.answers(document.id);
    const bidName = (id: string) => {
      const bid = setup.bids.find((b) => b.id === id);
      return bid ? bidLabel(setup, bid) : 'A removed bid';
    };
    rows.push([]);
    rows.push([
      'Clarification to',
      'Question',
      'Asked by',
      'Asked on',
      'Answer',
      'Answer came on',
      'Recorded by',
      'Why corrected',
    ]);
    for (const q of questions) {
      const asked = [
        bidName(q.bidId),
        q.question,
        nameOf.get(q.askedBy) ?? 'A former member',
        new Date(q.askedAt).toISOString().slice(0, 10),
      ];
      const given = answers.filter((a) => a.clarificationId === q.id);
      if (given.length === 0) rows.push([...asked, '', '', '', '']);
      for (const a of given) {
        rows.push([
          ...asked,
          a.answer,
          a.receivedOn,
          nameOf.get(a.recordedBy) ?? 'A former member',
          a.reason,
        ]);
      }
    }
  }
  // Every declaration each member made, oldest first; the last of each is the one that counts.
  const made = declarationsByMember(await storage.evaluations.declarationHistory(document.id));
  if (made.length > 0) {
    rows.push([]);
    rows.push([
      'Declaration of',
      'Conflict of interest',
      'Details',
      'Exception by the chair',
      'Mitigation',
      // After the columns the register always had, so a spreadsheet reading those by
      // position still finds them.
      'Made at (UTC)',
      'Bidders’ names',
      'Confidentiality',
      'Standing',
    ]);
    for (const member of made) {
      member.forEach((d, i) => {
        const current = i === member.length - 1;
        rows.push([
          nameOf.get(d.userId) ?? 'A former member',
          d.conflict
            ? `Declared a conflict${setup.lots?.length ? ` with ${conflictLotsInWords(setup, d)}` : ''}`
            : 'None declared',
          d.details,
          d.exception ? (nameOf.get(d.exception.by) ?? 'A former member') : '',
          d.exception?.mitigation ?? '',
          new Date(d.declaredAt).toISOString().slice(0, 16).replace('T', ' '),
          namesKnownInWords(declaredWithNames(setup, evaluation.namesRevealedAt, d.declaredAt)),
          d.confidential ? 'Confirmed' : 'Not confirmed',
          !current
            ? 'Replaced by a later declaration'
            : declarationOutdated(setup, evaluation.namesRevealedAt, d)
              ? 'Declared before the bidders’ names were known; not yet again with them'
              : 'Current',
        ]);
      });
    }
  }
  if (final) {
    rows.push([]);
    rows.push([
      evaluationMethod(setup) === 'average'
        ? 'Result by the published method: the average of the individual scores'
        : 'Result by the published method: the scores the panel agreed',
    ]);
    rows.push([
      'Bid',
      'Weighted total out of 100',
      setup.lots?.length ? 'Rank in its lot' : 'Rank',
      'Below a minimum score on',
    ]);
    for (const r of final) {
      const bid = setup.bids.find((b) => b.id === r.bidId);
      rows.push([
        bid ? bidLabel(setup, bid) : '',
        r.total,
        r.rank ?? 'Not ranked',
        r.failures.join('; '),
      ]);
    }
  }
  return toCsv(rows);
}
