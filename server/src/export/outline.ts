import {
  actionStatusNames,
  actionStatusOf,
  analyseRunChart,
  type CardKind,
  COPRODUCTION_FIELD,
  type CommentThreadView,
  charterCard,
  consentWarning,
  coproductionLevelNames,
  coproductionLevels,
  creditedAs,
  describeSignal,
  EVIDENCE_LINKS_FIELD,
  evidenceKindNames,
  evidenceLabel,
  evidenceOf,
  formatDay,
  isIsoDate,
  isPdsaDecision,
  listedParticipantOf,
  measureDefinitionLines,
  parseLinks,
  participantRoleLabels,
  pdsaDecisionNames,
  pdsaStageNames,
  pdsaStageOf,
  proposedServiceCard,
  serviceHeaderCard,
} from '@chorus/shared';
import * as Y from 'yjs';

/**
 * A document as a plain outline for an export: headings, paragraphs with bold and italic,
 * bullets, tables and labelled lines. Chorus's structured blocks are written out in words.
 * What must not leave the group does not: a quote or story whose speaker has not agreed
 * to be quoted is withheld, and a listed participant is named only as they chose (by role
 * when they did not say).
 */
export interface Run {
  text: string;
  bold?: boolean;
  italic?: boolean;
}

export type OutlineBlock =
  | { type: 'heading'; level: 1 | 2 | 3; text: string }
  | { type: 'paragraph'; runs: Run[]; style?: 'quote' | 'code' }
  | { type: 'bullet'; level: number; runs: Run[] }
  | { type: 'labelled'; label: string; text: string }
  | { type: 'table'; header: string[]; rows: string[][] }
  | { type: 'note'; text: string };

const text = (el: Y.XmlElement, key: string): string => {
  const v = el.getAttribute(key) as unknown;
  return typeof v === 'string' ? v : '';
};

const children = (el: Y.XmlElement | Y.XmlFragment): Y.XmlElement[] =>
  el.toArray().filter((c): c is Y.XmlElement => c instanceof Y.XmlElement);

/** The runs of a text block: its text with bold and italic kept, inline nodes as spaces. */
function runsOf(el: Y.XmlElement): Run[] {
  const runs: Run[] = [];
  for (const child of el.toArray()) {
    if (child instanceof Y.XmlText) {
      for (const op of child.toDelta() as {
        insert: unknown;
        attributes?: Record<string, unknown>;
      }[]) {
        if (typeof op.insert !== 'string') continue;
        const run: Run = { text: op.insert };
        if (op.attributes?.bold) run.bold = true;
        if (op.attributes?.italic) run.italic = true;
        runs.push(run);
      }
    } else if (child instanceof Y.XmlElement && child.nodeName === 'hardBreak') {
      runs.push({ text: '\n' });
    }
  }
  return runs;
}

const plain = (el: Y.XmlElement): string =>
  runsOf(el)
    .map((r) => r.text)
    .join('');

/** All the text inside an element, its blocks separated by spaces (a table cell). */
function allText(el: Y.XmlElement): string {
  return children(el)
    .map((c) => (c.nodeName === 'paragraph' || c.nodeName === 'heading' ? plain(c) : allText(c)))
    .join(' ')
    .trim();
}

function card(out: OutlineBlock[], el: Y.XmlElement, kind: CardKind): void {
  out.push({ type: 'heading', level: 3, text: kind.title });
  for (const field of kind.fields) {
    out.push({ type: 'labelled', label: field.label, text: text(el, field.key) || '—' });
  }
}

function list(out: OutlineBlock[], el: Y.XmlElement, level: number, ordered: boolean): void {
  children(el).forEach((item, i) => {
    children(item).forEach((block, j) => {
      if (block.nodeName === 'bulletList' || block.nodeName === 'orderedList') {
        list(out, block, level + 1, block.nodeName === 'orderedList');
      } else {
        const prefix = ordered && j === 0 ? `${i + 1}. ` : '';
        const runs = runsOf(block);
        out.push({ type: 'bullet', level, runs: prefix ? [{ text: prefix }, ...runs] : runs });
      }
    });
  });
}

function evidence(out: OutlineBlock[], el: Y.XmlElement): void {
  out.push({ type: 'heading', level: 3, text: 'Experience evidence' });
  let withheld = 0;
  for (const item of children(el)) {
    const e = evidenceOf(item.getAttributes());
    if (consentWarning(e) !== null) {
      withheld++;
      continue;
    }
    if (e.kind === 'touchpoint') {
      const feeling = e.feeling ? ` (${e.feeling})` : '';
      out.push({
        type: 'bullet',
        level: 0,
        runs: [
          {
            text: `Touchpoint${e.journeyStage.trim() ? ` at ${e.journeyStage.trim()}` : ''}${feeling}: `,
            bold: true,
          },
          { text: e.body },
        ],
      });
    } else {
      // Anonymised pieces go out without the name of who said it.
      const who = e.anonymised || !e.source.trim() ? '' : ` (${e.source.trim()})`;
      out.push({
        type: 'bullet',
        level: 0,
        runs: [
          { text: `${evidenceKindNames[e.kind]}${who}: `, bold: true },
          { text: e.body, italic: true },
        ],
      });
    }
  }
  if (withheld > 0) {
    out.push({
      type: 'note',
      text: `${withheld} ${withheld === 1 ? 'quote or story is' : 'quotes or stories are'} left out of this export: the people who gave them have not agreed to be quoted.`,
    });
  }
}

function participants(out: OutlineBlock[], el: Y.XmlElement): void {
  out.push({ type: 'heading', level: 3, text: 'Participants' });
  const rows = children(el).map((item) => {
    const p = listedParticipantOf(item.getAttributes());
    // Named only as they chose; someone who has not said yet is named by role.
    return [creditedAs(p), participantRoleLabels[p.role]];
  });
  out.push({ type: 'table', header: ['Credited as', 'Role in the group'], rows });
}

function runChart(out: OutlineBlock[], el: Y.XmlElement): void {
  const measure = text(el, 'measure') || 'A measure';
  out.push({ type: 'heading', level: 3, text: `Run chart: ${measure}` });
  for (const line of measureDefinitionLines(el.getAttributes())) {
    out.push({ type: 'labelled', ...line });
  }
  const points = children(el)
    .map((p) => {
      const raw = p.getAttribute('value') as unknown;
      const value = typeof raw === 'number' || typeof raw === 'string' ? Number(raw) : Number.NaN;
      return { date: text(p, 'date'), value, note: text(p, 'note') };
    })
    .filter((p) => isIsoDate(p.date) && Number.isFinite(p.value));
  const shift = Number(text(el, 'shift')) || undefined;
  const trend = Number(text(el, 'trend')) || undefined;
  const analysis = analyseRunChart(points, shift && trend ? { shift, trend } : undefined);
  if (analysis.median !== null) {
    out.push({ type: 'labelled', label: 'Median', text: String(analysis.median) });
  }
  for (const s of analysis.signals) {
    out.push({ type: 'labelled', label: 'Signal', text: describeSignal(s, analysis.points) });
  }
  out.push({
    type: 'table',
    header: ['Date', 'Value', 'Note'],
    rows: analysis.points.map((p) => [formatDay(p.date), String(p.value), p.note]),
  });
}

function pdsa(out: OutlineBlock[], el: Y.XmlElement): void {
  out.push({ type: 'heading', level: 3, text: `PDSA cycle: ${text(el, 'title') || 'untitled'}` });
  const decision = text(el, 'decision');
  const fields: [string, string][] = [
    ['Stage', pdsaStageNames[pdsaStageOf(text(el, 'stage'))]],
    ['Change idea being tested', text(el, 'changeIdea')],
    ['Question', text(el, 'question')],
    ['Prediction', text(el, 'prediction')],
    ['Who, what, where, when', text(el, 'arrangements')],
    ['Data to collect', text(el, 'dataPlan')],
    ['Observations', text(el, 'observations')],
    ['Result against the prediction', text(el, 'result')],
    ['Decision', isPdsaDecision(decision) ? pdsaDecisionNames[decision] : ''],
    ['Next steps', text(el, 'nextSteps')],
  ];
  for (const [label, value] of fields) out.push({ type: 'labelled', label, text: value || '—' });
}

function driverDiagram(out: OutlineBlock[], el: Y.XmlElement): void {
  out.push({ type: 'heading', level: 3, text: 'Driver diagram' });
  out.push({ type: 'labelled', label: 'Aim', text: text(el, 'aim') || '—' });
  const names: Record<string, string> = {
    primaryDriver: 'Primary driver',
    secondaryDriver: 'Secondary driver',
    changeIdea: 'Change idea',
  };
  const walk = (parent: Y.XmlElement, level: number) => {
    for (const branch of children(parent)) {
      out.push({
        type: 'bullet',
        level,
        runs: [
          { text: `${names[branch.nodeName] ?? 'Branch'}: `, bold: true },
          { text: text(branch, 'label') },
        ],
      });
      walk(branch, level + 1);
    }
  };
  walk(el, 0);
}

/**
 * Every piece of evidence by its uid, named for an export, or null for one that must not
 * leave the group (so a link to it does not carry its words out either).
 */
function piecesOf(doc: Y.Doc, withheld: string[]): Map<string, string | null> {
  const pieces = new Map<string, string | null>();
  const walk = (parent: Y.XmlElement | Y.XmlFragment) => {
    for (const el of children(parent)) {
      if (el.nodeName === 'evidenceItem') {
        const e = evidenceOf(el.getAttributes());
        if (consentWarning(e) !== null && e.body.trim()) withheld.push(e.body.trim());
        const uid = text(el, 'uid');
        if (uid) {
          pieces.set(
            uid,
            consentWarning(e) === null
              ? evidenceLabel(e.anonymised ? { ...e, source: '' } : e)
              : null,
          );
        }
      } else walk(el);
    }
  };
  walk(doc.getXmlFragment('default'));
  return pieces;
}

/** A priority's or decision's evidence: its words, then the pieces it links to. */
function evidenceText(
  el: Y.XmlElement,
  basisKey: string,
  pieces: Map<string, string | null>,
): string {
  const linked = parseLinks(el.getAttribute(EVIDENCE_LINKS_FIELD) as unknown)
    .filter((uid) => pieces.has(uid))
    .map((uid) => pieces.get(uid) ?? 'a quote or story kept within the group');
  return [text(el, basisKey), ...linked].filter(Boolean).join('; ');
}

/** The outline of one top-level (or nested) block, appended to `out`. */
function block(out: OutlineBlock[], el: Y.XmlElement, pieces: Map<string, string | null>): void {
  const items = () => children(el);
  switch (el.nodeName) {
    case 'heading': {
      const level = Number(el.getAttribute('level') as unknown);
      out.push({ type: 'heading', level: level === 1 || level === 2 ? level : 3, text: plain(el) });
      return;
    }
    case 'paragraph':
      out.push({ type: 'paragraph', runs: runsOf(el) });
      return;
    case 'codeBlock':
      out.push({ type: 'paragraph', runs: runsOf(el), style: 'code' });
      return;
    case 'blockquote':
      for (const inner of items()) {
        if (inner.nodeName === 'paragraph') {
          out.push({ type: 'paragraph', runs: runsOf(inner), style: 'quote' });
        } else block(out, inner, pieces);
      }
      return;
    case 'bulletList':
    case 'orderedList':
      list(out, el, 0, el.nodeName === 'orderedList');
      return;
    case 'table': {
      const rows = items().map((row) => children(row).map(allText));
      const [header, ...rest] = rows;
      out.push({ type: 'table', header: header ?? [], rows: rest });
      return;
    }
    case 'horizontalRule':
      return;
    case 'charter':
      card(out, el, charterCard);
      return;
    case 'serviceHeader': {
      card(out, el, serviceHeaderCard);
      const level = text(el, COPRODUCTION_FIELD);
      const known = coproductionLevels.find((l) => l === level);
      out.push({
        type: 'labelled',
        label: 'How far co-production goes',
        text: known ? coproductionLevelNames[known] : 'not chosen yet',
      });
      return;
    }
    case 'proposedService':
      card(out, el, proposedServiceCard);
      return;
    case 'evidenceList':
      evidence(out, el);
      return;
    case 'participantList':
      participants(out, el);
      return;
    case 'runChart':
      runChart(out, el);
      return;
    case 'pdsaCycle':
      pdsa(out, el);
      return;
    case 'driverDiagram':
      driverDiagram(out, el);
      return;
    case 'actionLog':
      out.push({ type: 'heading', level: 3, text: 'Action log' });
      out.push({
        type: 'table',
        header: ['Action', 'Owner', 'Due', 'Status'],
        rows: items().map((a) => {
          const due = text(a, 'due');
          return [
            text(a, 'action'),
            text(a, 'owner'),
            isIsoDate(due) ? formatDay(due) : '',
            actionStatusNames[actionStatusOf(a.getAttribute('status') as unknown)],
          ];
        }),
      });
      return;
    case 'priorityList':
      out.push({ type: 'heading', level: 3, text: 'Priorities' });
      for (const p of items()) {
        out.push({
          type: 'paragraph',
          runs: [{ text: text(p, 'title') || 'A priority', bold: true }],
        });
        const behind = evidenceText(p, 'evidence', pieces);
        if (behind) out.push({ type: 'labelled', label: 'Evidence behind it', text: behind });
        out.push({
          type: 'labelled',
          label: 'You said, we did: what changed',
          text: text(p, 'changed') || '—',
        });
        out.push({
          type: 'labelled',
          label: 'What did not change, and why',
          text: text(p, 'unchanged') || '—',
        });
      }
      return;
    case 'decisionLog':
      out.push({ type: 'heading', level: 3, text: 'Decision log' });
      out.push({
        type: 'table',
        header: ['Decision', 'Decided on', 'Decided by', 'Evidence'],
        rows: items().map((d) => {
          const on = text(d, 'decidedOn');
          return [
            text(d, 'decisionText'),
            isIsoDate(on) ? formatDay(on) : '',
            text(d, 'decidedBy'),
            evidenceText(d, 'basis', pieces),
          ];
        }),
      });
      return;
    default: {
      // Anything else with text in it is kept as its text.
      const words = allText(el);
      if (words) out.push({ type: 'paragraph', runs: [{ text: words }] });
    }
  }
}

/**
 * The document's outline; `appendix` (the comments, say) goes at the end and through the
 * same safety net, so a withheld quote is not exported by a comment that quotes it.
 */
export function outlineOf(doc: Y.Doc, appendix: readonly OutlineBlock[] = []): OutlineBlock[] {
  const out: OutlineBlock[] = [];
  const withheld: string[] = [];
  const pieces = piecesOf(doc, withheld);
  for (const el of children(doc.getXmlFragment('default'))) block(out, el, pieces);
  out.push(...appendix);
  return withoutWithheld(out, withheld);
}

const day = new Intl.DateTimeFormat('en-GB', { dateStyle: 'long', timeZone: 'UTC' });

/**
 * Comment threads as an appendix: each with the words it is on, every comment credited as
 * its author chose (name or role) with its date, what a suggestion proposed and what became
 * of it, and whether the thread was resolved. Deleted comments are left out.
 */
export function commentsOutline(
  threads: readonly CommentThreadView[],
  which: 'open' | 'all',
): OutlineBlock[] {
  const chosen = threads.filter((t) => which === 'all' || t.resolved === null);
  const out: OutlineBlock[] = [{ type: 'heading', level: 1, text: 'Comments' }];
  if (chosen.length === 0) {
    out.push({
      type: 'note',
      text: which === 'open' ? 'There are no open comments.' : 'There are no comments.',
    });
    return out;
  }
  out.push({
    type: 'note',
    text: `${chosen.length} ${chosen.length === 1 ? 'thread' : 'threads'}${which === 'open' ? ' still open' : ''}, oldest first. Each person is named as they chose to be credited.`,
  });
  for (const t of chosen) {
    out.push({ type: 'labelled', label: 'On the words', text: `“${t.quote}”` });
    if (t.suggestion) {
      const outcome =
        t.suggestion.outcome === null
          ? 'not decided yet'
          : `${t.suggestion.outcome} by ${t.suggestion.decided?.byName ?? 'an editor'}`;
      out.push({
        type: 'labelled',
        label: 'Suggested change',
        text: `${t.suggestion.text === '' ? 'delete the words' : `“${t.suggestion.text}”`} (${outcome})`,
      });
    }
    for (const c of t.comments) {
      if (c.deleted) continue;
      out.push({
        type: 'bullet',
        level: 0,
        runs: [
          {
            text: `${c.authorName} (${c.roleLabel}), ${day.format(new Date(c.createdAt))}: `,
            bold: true,
          },
          { text: c.body },
        ],
      });
    }
    if (t.resolved) {
      out.push({
        type: 'note',
        text: `Resolved by ${t.resolved.byName} on ${day.format(new Date(t.resolved.at))}.`,
      });
    }
  }
  return out;
}

/**
 * A safety net for words copied elsewhere: a withheld quote or story pasted into a
 * paragraph or another field is taken out there too (those of a dozen characters or more,
 * so a common word is never blanked).
 */
function withoutWithheld(out: OutlineBlock[], withheld: readonly string[]): OutlineBlock[] {
  const long = [...new Set(withheld)]
    .filter((w) => w.length >= 12)
    .sort((a, b) => b.length - a.length);
  if (long.length === 0) return out;
  const NOTE = '[a quote kept within the group]';
  const clean = (s: string) => long.reduce((acc, w) => acc.split(w).join(NOTE), s);
  const runs = (rs: Run[]) => {
    // A quote split across runs (part bold) is found in the joined text: the runs merge.
    const joined = rs.map((r) => r.text).join('');
    const cleaned = clean(joined);
    return cleaned === joined ? rs : [{ text: cleaned }];
  };
  return out.map((b) => {
    switch (b.type) {
      case 'heading':
        return { ...b, text: clean(b.text) };
      case 'paragraph':
      case 'bullet':
        return { ...b, runs: runs(b.runs) };
      case 'labelled':
        return { ...b, text: clean(b.text) };
      case 'table':
        return { ...b, header: b.header.map(clean), rows: b.rows.map((r) => r.map(clean)) };
      default:
        return b;
    }
  });
}
