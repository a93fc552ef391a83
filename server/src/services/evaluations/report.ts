/**
 * The evaluation report as a Word document, for the procurement record: the outcome, each
 * bidder's assessment summary (agreed score and rationale per criterion), and how the
 * decision was reached (panel, declarations and exceptions, rounds, overrides).
 */
import {
  asSentence,
  type BidResult,
  bidLabel,
  conflictLotsInWords,
  criterionDescriptors,
  criterionGroups,
  criterionName,
  criterionScaleLabels,
  declarationOutdated,
  declarationsByMember,
  declaredInWords,
  declaredWithNames,
  type EvaluationSetup,
  evaluationMethod,
  evaluationMethodLabels,
  evaluationResults,
  evaluationStateLabels,
  formatPrice,
  lineAmount,
  panelRoleLabels,
  priceScoreInWords,
  scaleMax,
  scoringGroupLabels,
} from '@chorus/shared';
import { Document, HeadingLevel, Packer, Paragraph, type Table, TextRun } from 'docx';
import { docxTable as table } from '../../export/docx.ts';
import type { DocumentRecord, Storage } from '../../storage/types.ts';
import { type EvaluationActor, forPanel, requireExportable } from './guards.ts';
import { moderationOf } from './view.ts';

const when = new Intl.DateTimeFormat('en-GB', { dateStyle: 'long', timeStyle: 'short' });
const number = new Intl.NumberFormat('en-GB', { maximumFractionDigits: 2 });

const heading = (text: string, level: (typeof HeadingLevel)[keyof typeof HeadingLevel]) =>
  new Paragraph({ text, heading: level });
const para = (text: string) => new Paragraph({ text });
const labelled = (label: string, text: string) =>
  new Paragraph({ children: [new TextRun({ text: `${label}: `, bold: true }), new TextRun(text)] });

const groupList = (c: Parameters<typeof criterionGroups>[0]) =>
  criterionGroups(c)
    .map((g) => scoringGroupLabels[g])
    .join(', ');

const rankText = (r: BidResult) =>
  r.rank !== null
    ? String(r.rank)
    : r.failures.length > 0
      ? `Not ranked: below the minimum on ${r.failures.join(', ')}`
      : `Not ranked: no score on ${r.unscored.join(', ')}`;

/**
 * The report as DOCX bytes. Like the CSV, refused until moderation opens: before then no
 * output may show one evaluator's scores to anyone.
 */
export async function evaluationReport(
  storage: Storage,
  document: DocumentRecord,
  actor: EvaluationActor,
): Promise<Buffer> {
  const evaluation = await forPanel(storage, document, actor);
  await requireExportable(storage, evaluation, actor, 'The report can be made');
  const members = await storage.workspaces.listMembers(document.workspaceId);
  const nameOf = new Map(members.map((m) => [m.userId, m.name]));
  const named = (id: string) => nameOf.get(id) ?? 'A former member';
  const { setup } = evaluation;
  const moderation = await moderationOf(storage, evaluation, nameOf);
  const final = moderation.finalResults;
  const byAverage = evaluationMethod(setup) === 'average';
  const results = final ?? evaluationResults(setup, moderation.entries);
  const priced = setup.criteria.some((c) => c.scale === 'price');
  const declarations = await storage.evaluations.declarations(document.id);
  const lotsOf = (d: (typeof declarations)[number]) =>
    setup.lots?.length ? ` with ${conflictLotsInWords(setup, d)}` : '';
  const submissions = await storage.evaluations.submissions(document.id);

  const children: (Paragraph | Table)[] = [
    heading(`Evaluation report: ${document.title}`, HeadingLevel.TITLE),
    labelled('Stage', evaluationStateLabels[evaluation.state]),
    labelled('Made', when.format(new Date())),
    labelled('Published method', evaluationMethodLabels[evaluationMethod(setup)]),
    para(
      byAverage
        ? 'The totals below use the average of the individual scores on each criterion.'
        : final
          ? 'The totals below use the scores the panel agreed in moderation.'
          : 'Provisional: the panel has not agreed a score for every criterion of every bid, so the totals below are averages of the individual scores.',
    ),
    heading('Outcome', HeadingLevel.HEADING_1),
    para(
      'Each total is out of 100: every scored criterion adds its weight multiplied by the score as a share of the top score.',
    ),
    ...(setup.lots?.length
      ? [para('Each lot is ranked on its own: the bids of a lot compete only with each other.')]
      : []),
    table(
      ['Bid', 'Total out of 100', setup.lots?.length ? 'Rank in its lot' : 'Rank'],
      results.map((r) => {
        const bid = setup.bids.find((b) => b.id === r.bidId);
        return [bid ? bidLabel(setup, bid) : '', number.format(r.total), rankText(r)];
      }),
    ),
    heading('Criteria', HeadingLevel.HEADING_1),
    table(
      ['Criterion', 'How scored', 'Weight', 'Minimum score', 'Scored by'],
      setup.criteria.map((c) => [
        criterionName(c),
        criterionScaleLabels[c.scale],
        `${c.weight}%`,
        c.threshold === null ? 'None' : String(c.threshold),
        c.scale === 'price' ? `Calculated; seen by ${groupList(c)}` : groupList(c),
      ]),
    ),
    ...(priced
      ? [
          para(
            'Price: the lowest price scores the full weight, and each other bid the lowest price as a share of its own.',
          ),
          priceTable(setup),
        ]
      : []),
    // What each level meant, as the panel scored against it.
    ...setup.criteria
      .filter((c) => c.scale !== 'price')
      .flatMap((c) => [
        labelled(
          `Levels of “${c.title}”${c.descriptors ? ' (the panel’s own wording)' : ''}`,
          criterionDescriptors(c)
            .map((d, level) => (c.scale === 'pass_fail' ? d : `${level}: ${d}`))
            .join('; '),
        ),
      ]),
  ];

  for (const bid of setup.bids) {
    children.push(heading(`Assessment summary: ${bidLabel(setup, bid)}`, HeadingLevel.HEADING_1));
    const result = results.find((r) => r.bidId === bid.id);
    children.push(
      table(
        ['Criterion', byAverage ? 'Average score' : 'Agreed score', 'Rationale'],
        setup.criteria.map((c, i) => {
          if (c.scale === 'price') {
            const score = result?.criteria[i]?.average;
            return [
              criterionName(c),
              score == null ? 'No price' : `${number.format(score)} of 100`,
              priceScoreInWords(setup, c, bid),
            ];
          }
          if (byAverage) {
            // By average, the summary is the evaluators' own rationales under the average.
            const average = result?.criteria[i]?.average;
            const rationales = moderation.entries
              .filter((e) => e.bidId === bid.id && e.criterionId === c.id)
              .map((e) =>
                e.kind === 'score'
                  ? `${named(e.userId)} (${e.score}): ${e.rationale}`
                  : `${named(e.userId)} abstained: ${e.reason}`,
              );
            return [
              criterionName(c),
              average == null
                ? 'Nobody scored it'
                : `${number.format(average)} of ${scaleMax(c.scale)}`,
              rationales.join(' | '),
            ];
          }
          const a = moderation.agreed.find((x) => x.bidId === bid.id && x.criterionId === c.id);
          return [
            criterionName(c),
            a ? `${a.score} of ${scaleMax(c.scale)}` : 'Not agreed yet',
            a
              ? `${a.rationale}${a.reason ? ` Why it differs from the individual scores: ${a.reason}` : ''}`
              : '',
          ];
        }),
      ),
    );
  }

  // What the panel had before it: each bid's documents (named, with their fingerprints) and
  // the clarifications asked, with every answer recorded, corrections included.
  const files = await storage.bids.documents(document.id);
  const questions = await storage.bids.clarifications(document.id);
  const answers = await storage.bids.answers(document.id);
  children.push(heading('Bids’ documents and clarifications', HeadingLevel.HEADING_1));
  for (const bid of setup.bids) {
    const theirs = files.filter((f) => f.bidId === bid.id);
    const asked = questions.filter((q) => q.bidId === bid.id);
    children.push(heading(bidLabel(setup, bid), HeadingLevel.HEADING_2));
    children.push(
      theirs.length === 0
        ? para('No documents were added to this bid.')
        : table(
            ['Document', 'Size in bytes', 'SHA-256', 'Added by'],
            theirs.map((f) => [f.name, String(f.size), f.sha256, named(f.uploadedBy)]),
          ),
    );
    children.push(
      asked.length === 0
        ? para('No clarification questions were asked of this bidder.')
        : table(
            ['Question', 'Asked by', 'Answer', 'Answer came on', 'Recorded by'],
            asked.flatMap((q) => {
              const given = answers.filter((a) => a.clarificationId === q.id);
              const head = [q.question, `${named(q.askedBy)}, ${when.format(new Date(q.askedAt))}`];
              if (given.length === 0) return [[...head, 'No answer recorded', '', '']];
              return given.map((a, i) => [
                ...(i === 0 ? head : ['', '']),
                a.reason ? `${a.answer} (a correction, because: ${a.reason})` : a.answer,
                a.receivedOn,
                named(a.recordedBy),
              ]);
            }),
          ),
    );
  }

  children.push(heading('How the decision was reached', HeadingLevel.HEADING_1));
  children.push(
    table(
      ['Panel member', 'Panel role', 'Declaration of interests', 'Submitted scores'],
      evaluation.panel.map((m) => {
        const d = declarations.find((x) => x.userId === m.userId);
        const declared = !d
          ? 'Not declared'
          : declarationOutdated(setup, evaluation.namesRevealedAt, d)
            ? 'Declared before the bidders’ names were known; not yet again with them'
            : !d.conflict
              ? 'No conflict declared'
              : d.exception
                ? `Conflict${lotsOf(d)}: ${d.details}. Allowed by ${named(d.exception.by)}: ${d.exception.mitigation}`
                : `Conflict${lotsOf(d)}: ${d.details}. Kept out of scoring${setup.lots?.length ? ' in those lots' : ''}.`;
        const submitted = submissions.find((s) => s.userId === m.userId);
        return [
          named(m.userId),
          panelRoleLabels[m.panelRole],
          declared,
          submitted ? when.format(new Date(submitted.submittedAt)) : '',
        ];
      }),
    ),
  );
  // Every declaration as made, oldest first: the record of conflicts and how they were
  // managed, before and after the names were known, not only the declarations that count.
  const made = declarationsByMember(await storage.evaluations.declarationHistory(document.id));
  if (made.length > 0) {
    children.push(heading('Declarations of interests as made', HeadingLevel.HEADING_2));
    children.push(
      para(
        setup.anonymous
          ? 'Every declaration each member made, oldest first; the latest is the one that counts. The panel scored without the bidders’ names, so each member declared again once the chair revealed them.'
          : 'Every declaration each member made, oldest first; the latest is the one that counts.',
      ),
    );
    children.push(
      table(
        ['Panel member', 'Made', 'Bidders’ names', 'What was declared', 'Standing'],
        made.flatMap((member) =>
          member.map((d, i) => {
            const known = declaredWithNames(setup, evaluation.namesRevealedAt, d.declaredAt);
            const exception = d.exception
              ? ` Allowed by ${named(d.exception.by)}: ${asSentence(d.exception.mitigation)}`
              : '';
            return [
              named(d.userId),
              when.format(new Date(d.declaredAt)),
              known === null
                ? 'Known'
                : known
                  ? 'Known (after they were revealed)'
                  : 'Not yet known (before they were revealed)',
              `${d.confidential ? 'Confidentiality confirmed' : 'Confidentiality not confirmed'}; ${asSentence(declaredInWords(setup, d))}${exception}`,
              i < member.length - 1
                ? 'Replaced by a later declaration'
                : declarationOutdated(setup, evaluation.namesRevealedAt, d)
                  ? 'Declared before the bidders’ names were known; not yet again with them'
                  : 'Counts',
            ];
          }),
        ),
      ),
    );
  }
  if (evaluation.overrideReason) {
    children.push(
      labelled(
        'Moderation opened before every evaluator had submitted, because',
        evaluation.overrideReason,
      ),
    );
  }
  for (const r of moderation.rounds) {
    children.push(
      labelled(
        `Round ${r.round}${r.afterSignOff ? ' (a correction after sign-off)' : ''}`,
        `started by ${r.startedByName} on ${when.format(new Date(r.startedAt))} because: ${r.reason}`,
      ),
    );
  }
  children.push(
    para(
      'Every individual score with its rationale, and the agreed scores of earlier rounds, are in the scores export (CSV).',
    ),
  );

  return Packer.toBuffer(new Document({ sections: [{ children }] }));
}

/**
 * Each bid's price; with a pricing schedule, each line too (its unit price times the
 * quantity evaluated, as the total is worked out).
 */
function priceTable(setup: EvaluationSetup) {
  const lines = setup.priceLines ?? [];
  const amount = (value: number | null | undefined) =>
    value == null ? 'None' : formatPrice(value);
  if (lines.length === 0) {
    return table(
      ['Bid', 'Price'],
      setup.bids.map((b) => [bidLabel(setup, b), amount(b.price)]),
    );
  }
  return table(
    [
      'Bid',
      ...lines.map((l) =>
        l.quantity === 1 ? l.name : `${l.name} (${number.format(l.quantity)} at the unit price)`,
      ),
      'Total',
    ],
    setup.bids.map((b) => [
      bidLabel(setup, b),
      ...lines.map((l) => {
        const unit = b.linePrices?.[l.id];
        if (unit === undefined) return 'Not priced';
        const total = lineAmount(l, unit);
        return l.quantity === 1
          ? formatPrice(total)
          : `${formatPrice(unit)} each, ${formatPrice(total)}`;
      }),
      amount(b.price),
    ]),
  );
}
