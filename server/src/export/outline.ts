import {
  actionStatusNames,
  actionStatusOf,
  analyseRunChart,
  type CardKind,
  type ChangeIdeaRef,
  COPRODUCTION_FIELD,
  type CommentThreadView,
  changeIdeaRemovedWords,
  charterCard,
  consentWarning,
  coproductionLevelNames,
  coproductionLevels,
  creditedAs,
  describeSignal,
  EVIDENCE_LINK_NODE,
  EVIDENCE_LINK_PIECE,
  EVIDENCE_LINKS_FIELD,
  evidenceKindNames,
  evidenceLabel,
  evidenceOf,
  formatDay,
  isIsoDate,
  isPdsaDecision,
  linksOf,
  listedParticipantOf,
  measureDefinitionLines,
  PARAGRAPH_BREAK,
  participantRoleLabels,
  pdsaDecisionNames,
  pdsaStageNames,
  pdsaStageOf,
  proposedServiceCard,
  RUN_CHART_REMOVED,
  type RunChartRef,
  resolveChangeIdea,
  resolveRunChart,
  runChartName,
  type Signal,
  serviceHeaderCard,
  spokenQuote,
} from '@chorus/shared';
import * as Y from 'yjs';
import { forEachCharacter } from '../attribution/textRuns.ts';

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
  /** An empty run that marks where a Word comment's range starts or ends. */
  comment?: { id: number; at: 'start' | 'end' };
  /**
   * Who wrote these words (an account id; null for words nobody is credited with), when
   * the export shows who wrote what: per character for text, per field for a structured
   * block's field. Words the export adds itself (labels, headings, defaults, computed
   * figures) have none and are left plain.
   */
  author?: string | null;
}

/** Who wrote the character a Yjs item id stands for: an account id, or null. */
export type AuthorLookup = (clientId: number, clock: number) => string | null;

/** A comment thread's place in the text: where each end falls in a text node. */
export interface CommentPlace {
  /** The Word comment ids of the thread (its first comment, then its replies). */
  ids: readonly number[];
  start: { text: Y.XmlText; index: number };
  end: { text: Y.XmlText; index: number };
}

/** The comment marks to put in each text node, by the index they fall before. */
type Marks = Map<Y.XmlText, { index: number; run: Run }[]>;

/** What the runs of the text carry besides bold and italic. */
interface RunContext {
  marks: Marks;
  /** Set when the export shows who wrote what. */
  authors: AuthorLookup | null;
}

export type OutlineBlock =
  | { type: 'heading'; level: 1 | 2 | 3; text: string; runs?: Run[] }
  | { type: 'paragraph'; runs: Run[]; style?: 'quote' | 'code' }
  | { type: 'bullet'; level: number; runs: Run[] }
  /** `runs` (the text's, when the export shows who wrote what) carry who wrote it. */
  | { type: 'labelled'; label: string; text: string; runs?: Run[] }
  | {
      type: 'table';
      header: string[];
      rows: string[][];
      /** Each cell's runs, when the export shows who wrote what. */
      runs?: { header: Run[][]; rows: Run[][][] };
    }
  | { type: 'note'; text: string }
  /** A run chart drawn as a line chart: the values by date and their median. */
  | {
      type: 'runChart';
      title: string;
      days: string[];
      values: number[];
      median: number;
      /** The indices of the points in a shift, a trend or astronomical, marked on the chart. */
      signalPoints: number[];
      /** The chart in words, for screen readers. */
      description: string;
    };

const text = (el: Y.XmlElement, key: string): string => {
  const v = el.getAttribute(key) as unknown;
  return typeof v === 'string' ? v : '';
};

const children = (el: Y.XmlElement | Y.XmlFragment): Y.XmlElement[] =>
  el.toArray().filter((c): c is Y.XmlElement => c instanceof Y.XmlElement);

/**
 * Who last wrote an attribute of an element. A structured block's fields are attributes,
 * one value each (the last writer wins), and the binding sets only the attributes that
 * changed, so the Yjs item holding the value now says whose it is. An attribute never set
 * (a choice left at its default) is credited to whoever added the element.
 */
function fieldAuthor(el: Y.XmlElement, key: string, authors: AuthorLookup): string | null {
  const value = el._map.get(key);
  const item = value && !value.deleted ? value : el._item;
  return item ? authors(item.id.client, item.id.clock) : null;
}

/**
 * A field's words as a run, credited to whoever last wrote the field when the export shows
 * who wrote what. `shown` is what the export writes for it (a date spelled out, a choice's
 * name); nothing for an empty field.
 */
function field(
  el: Y.XmlElement,
  key: string,
  context: RunContext,
  shown: string = text(el, key),
  style: Pick<Run, 'bold' | 'italic'> = {},
): Run[] {
  if (!shown) return [];
  const author = context.authors ? { author: fieldAuthor(el, key, context.authors) } : {};
  return [{ text: shown, ...style, ...author }];
}

/** Words the export adds (a label, a default), never credited to anyone. */
const fixed = (shown: string, style: Pick<Run, 'bold' | 'italic'> = {}): Run[] =>
  shown ? [{ text: shown, ...style }] : [];

const joined = (runs: readonly Run[]): string => runs.map((r) => r.text).join('');

/** Adjacent runs that look the same and have the same author, as one. */
function merged(runs: readonly Run[]): Run[] {
  const out: Run[] = [];
  for (const run of runs) {
    const last = out.at(-1);
    if (
      last &&
      !last.comment &&
      !run.comment &&
      last.bold === run.bold &&
      last.italic === run.italic &&
      last.author === run.author
    ) {
      out[out.length - 1] = { ...last, text: last.text + run.text };
    } else out.push(run);
  }
  return out;
}

/** A labelled line; its runs are kept (and dropped at the end unless authors are shown). */
function labelled(label: string, runs: Run[], empty = '—'): OutlineBlock {
  const words = joined(runs);
  return words
    ? { type: 'labelled', label, text: words, runs: merged(runs) }
    : { type: 'labelled', label, text: empty, runs: fixed(empty) };
}

/** A table from its cells' runs; the header is the export's own words. */
function table(header: readonly string[], rows: Run[][][]): OutlineBlock {
  return {
    type: 'table',
    header: [...header],
    rows: rows.map((cells) => cells.map(joined)),
    runs: { header: header.map((h) => fixed(h)), rows: rows.map((cells) => cells.map(merged)) },
  };
}

/**
 * The runs of one text node, cut where a comment's range starts or ends and, when the
 * export shows who wrote what, where the author changes.
 */
function textRunsOf(node: Y.XmlText, context: RunContext | undefined): Run[] {
  const runs: Run[] = [];
  const here = [...(context?.marks.get(node) ?? [])].sort((a, b) => a.index - b.index);
  let offset = 0;
  let next = 0;
  for (const op of node.toDelta() as { insert: unknown; attributes?: Record<string, unknown> }[]) {
    if (typeof op.insert !== 'string') continue;
    const style: Omit<Run, 'text'> = {};
    if (op.attributes?.bold) style.bold = true;
    if (op.attributes?.italic) style.italic = true;
    let rest = op.insert;
    for (;;) {
      // Marks that fall inside this piece (or at its start) cut it there.
      const mark = here[next];
      if (mark === undefined || mark.index >= offset + rest.length) break;
      const cut = Math.max(0, mark.index - offset);
      if (cut > 0) runs.push({ text: rest.slice(0, cut), ...style });
      runs.push(mark.run);
      rest = rest.slice(cut);
      offset += cut;
      next++;
    }
    if (rest) runs.push({ text: rest, ...style });
    offset += rest.length;
  }
  // Marks at the very end of the text (a range that ends with it).
  for (; next < here.length; next++) {
    const mark = here[next];
    if (mark) runs.push(mark.run);
  }
  return context?.authors ? byAuthor(runs, authorsOf(node, context.authors)) : runs;
}

/**
 * The author of each visible character of a text node, in the order of its delta.
 * Authorship is per character, because Yjs may merge items written at different times.
 */
function authorsOf(node: Y.XmlText, authors: AuthorLookup): (string | null)[] {
  const out: (string | null)[] = [];
  forEachCharacter(node, (_ch, clientId, clock) => out.push(authors(clientId, clock)));
  return out;
}

/** Runs cut again wherever the author changes inside one, each marked with its author. */
function byAuthor(runs: readonly Run[], authors: readonly (string | null)[]): Run[] {
  const out: Run[] = [];
  let offset = 0;
  for (const run of runs) {
    if (run.comment || run.text === '') {
      out.push(run);
      continue;
    }
    let start = 0;
    for (let i = 1; i <= run.text.length; i++) {
      const author = authors[offset + start] ?? null;
      if (i < run.text.length && (authors[offset + i] ?? null) === author) continue;
      out.push({ ...run, text: run.text.slice(start, i), author });
      start = i;
    }
    offset += run.text.length;
  }
  return out;
}

/**
 * The runs of a text block: its text with bold and italic kept, inline nodes as spaces,
 * and the start and end of each comment range placed in it.
 */
function runsOf(el: Y.XmlElement, context?: RunContext): Run[] {
  const runs: Run[] = [];
  for (const child of el.toArray()) {
    if (child instanceof Y.XmlText) {
      runs.push(...textRunsOf(child, context));
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

/**
 * All the text inside an element, its blocks separated by spaces (a table cell), as runs
 * that keep who wrote each character (when the export shows it) but not bold or italic:
 * a cell is written as plain words. No comment ranges are placed in it (a thread on words
 * in a table is listed at the end).
 */
function allRuns(el: Y.XmlElement, context: RunContext): Run[] {
  const inner: RunContext = { marks: new Map(), authors: context.authors };
  const parts = children(el).map((c) =>
    c.nodeName === 'paragraph' || c.nodeName === 'heading' ? runsOf(c, inner) : allRuns(c, inner),
  );
  const runs = parts.flatMap((part, i) => (i === 0 ? part : [{ text: ' ' }, ...part]));
  return merged(
    trimmed(runs).map(({ text, author }) => ({
      text,
      ...(author === undefined ? {} : { author }),
    })),
  );
}

/** Runs without the white space at the start and end of their text as a whole. */
function trimmed(runs: readonly Run[]): Run[] {
  const out = runs.map((r) => ({ ...r }));
  for (const r of out) {
    r.text = r.text.trimStart();
    if (r.text) break;
  }
  for (const r of [...out].reverse()) {
    r.text = r.text.trimEnd();
    if (r.text) break;
  }
  return out.filter((r) => r.text !== '');
}

function card(out: OutlineBlock[], el: Y.XmlElement, kind: CardKind, context: RunContext): void {
  out.push({ type: 'heading', level: 3, text: kind.title });
  for (const f of kind.fields) out.push(labelled(f.label, field(el, f.key, context)));
}

function list(
  out: OutlineBlock[],
  el: Y.XmlElement,
  level: number,
  ordered: boolean,
  context: RunContext,
): void {
  children(el).forEach((item, i) => {
    children(item).forEach((block, j) => {
      if (block.nodeName === 'bulletList' || block.nodeName === 'orderedList') {
        list(out, block, level + 1, block.nodeName === 'orderedList', context);
      } else {
        const prefix = ordered && j === 0 ? `${i + 1}. ` : '';
        const runs = runsOf(block, context);
        out.push({ type: 'bullet', level, runs: prefix ? [{ text: prefix }, ...runs] : runs });
      }
    });
  });
}

function evidence(out: OutlineBlock[], el: Y.XmlElement, context: RunContext): void {
  out.push({ type: 'heading', level: 3, text: 'Experience evidence' });
  let withheld = 0;
  for (const item of children(el)) {
    const e = evidenceOf(item.getAttributes());
    if (consentWarning(e) !== null) {
      withheld++;
      continue;
    }
    const bold = { bold: true };
    if (e.kind === 'touchpoint') {
      const stage = e.journeyStage.trim();
      out.push({
        type: 'bullet',
        level: 0,
        runs: merged([
          ...fixed('Touchpoint', bold),
          ...(stage
            ? [...fixed(' at ', bold), ...field(item, 'journeyStage', context, stage, bold)]
            : []),
          ...(e.feeling
            ? [
                ...fixed(' (', bold),
                ...field(item, 'feeling', context, e.feeling, bold),
                ...fixed(')', bold),
              ]
            : []),
          ...fixed(': ', bold),
          ...(e.body ? field(item, 'body', context, e.body) : [{ text: '' }]),
        ]),
      });
    } else {
      // Anonymised pieces go out without the name of who said it.
      const source = e.source.trim();
      const who =
        e.anonymised || !source
          ? []
          : [
              ...fixed(' (', bold),
              ...field(item, 'source', context, source, bold),
              ...fixed(')', bold),
            ];
      out.push({
        type: 'bullet',
        level: 0,
        runs: merged([
          ...fixed(evidenceKindNames[e.kind], bold),
          ...who,
          ...fixed(': ', bold),
          ...(e.body
            ? field(item, 'body', context, e.body, { italic: true })
            : [{ text: '', italic: true }]),
        ]),
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

function participants(out: OutlineBlock[], el: Y.XmlElement, context: RunContext): void {
  out.push({ type: 'heading', level: 3, text: 'Participants' });
  const rows = children(el).map((item) => {
    const p = listedParticipantOf(item.getAttributes());
    // Named only as they chose; someone who has not said yet is named by role. The name
    // is credited to whoever wrote the field it comes from.
    const from =
      p.creditAs === 'full_name' && p.name.trim()
        ? 'personName'
        : p.creditAs === 'display_name' && p.creditName.trim()
          ? 'creditName'
          : 'personRole';
    return [
      field(item, from, context, creditedAs(p)),
      field(item, 'personRole', context, participantRoleLabels[p.role]),
    ];
  });
  out.push(table(['Credited as', 'Role in the group'], rows));
}

function runChart(out: OutlineBlock[], el: Y.XmlElement, context: RunContext): void {
  const measure = text(el, 'measure') || 'A measure';
  out.push({
    type: 'heading',
    level: 3,
    text: `Run chart: ${measure}`,
    runs: [
      ...fixed('Run chart: '),
      ...(text(el, 'measure') ? field(el, 'measure', context) : fixed(measure)),
    ],
  });
  for (const line of measureDefinitionLines(el.getAttributes())) {
    out.push(labelled(line.label, field(el, line.key, context, line.text)));
  }
  const points = children(el)
    .map((p) => {
      const raw = p.getAttribute('value') as unknown;
      const value = typeof raw === 'number' || typeof raw === 'string' ? Number(raw) : Number.NaN;
      return { date: text(p, 'date'), value, note: text(p, 'note'), el: p };
    })
    .filter((p) => isIsoDate(p.date) && Number.isFinite(p.value));
  const shift = Number(text(el, 'shift')) || undefined;
  const trend = Number(text(el, 'trend')) || undefined;
  const analysis = analyseRunChart(points, shift && trend ? { shift, trend } : undefined);
  // Drawn once there is a line to draw; its data stay below as a table for those who read it.
  if (analysis.median !== null && analysis.points.length >= 2) {
    const signals = analysis.signals.map((s) => describeSignal(s, analysis.points));
    out.push({
      type: 'runChart',
      title: measure,
      days: analysis.points.map((p) => formatDay(p.date)),
      values: analysis.points.map((p) => p.value),
      median: analysis.median,
      signalPoints: pointsInSignals(analysis.signals),
      description: `Run chart of ${measure}: ${analysis.points.length} points from ${formatDay(analysis.points[0]?.date ?? '')} to ${formatDay(analysis.points.at(-1)?.date ?? '')}, median ${analysis.median}. ${signals.length === 0 ? 'No signals.' : `Signals: ${signals.join('; ')}.`}`,
    });
  }
  if (analysis.median !== null) {
    out.push({ type: 'labelled', label: 'Median', text: String(analysis.median) });
  }
  for (const s of analysis.signals) {
    out.push({ type: 'labelled', label: 'Signal', text: describeSignal(s, analysis.points) });
  }
  // Computed words (the median, the signals, the chart) are nobody's; each point's cells
  // are whoever last wrote them.
  out.push(
    table(
      ['Date', 'Value', 'Note'],
      analysis.points.map((p) => [
        field(p.el, 'date', context, formatDay(p.date)),
        field(p.el, 'value', context, String(p.value)),
        field(p.el, 'note', context, p.note),
      ]),
    ),
  );
}

/**
 * The points a shift, a trend or an astronomical point is made of, in order. Too few or
 * too many runs is about the whole series, so it marks no point.
 */
function pointsInSignals(signals: readonly Signal[]): number[] {
  const points = new Set<number>();
  for (const s of signals) {
    if (s.kind === 'astronomical') points.add(s.index);
    else if (s.kind === 'shift' || s.kind === 'trend') {
      for (let i = s.from; i <= s.to; i++) points.add(i);
    }
  }
  return [...points].sort((a, b) => a - b);
}

function pdsa(
  out: OutlineBlock[],
  el: Y.XmlElement,
  context: RunContext,
  ideas: readonly IdeaElement[],
  charts: readonly RunChartRef[],
): void {
  const title = text(el, 'title');
  out.push({
    type: 'heading',
    level: 3,
    text: `PDSA cycle: ${title || 'untitled'}`,
    runs: [...fixed('PDSA cycle: '), ...(title ? field(el, 'title', context) : fixed('untitled'))],
  });
  const decision = text(el, 'decision');
  // As the page shows it: a linked idea's words now, or that it was removed.
  const idea = resolveChangeIdea(
    {
      changeIdea: text(el, 'changeIdea'),
      changeIdeaId: el.getAttribute('changeIdeaId') as unknown,
    },
    ideas,
  );
  // A linked idea's words are the diagram's, credited to whoever last wrote them there;
  // the sentence saying one was removed is the export's, around the cycle's last words.
  const linked = idea.state === 'linked' ? ideas.find((i) => i.uid === idea.uid) : undefined;
  const removedWords = idea.state === 'removed' ? idea.text.trim() : '';
  const changeIdea: Run[] = linked
    ? field(linked.el, 'label', context, idea.text)
    : idea.state !== 'removed'
      ? field(el, 'changeIdea', context, idea.text)
      : removedWords
        ? [
            ...fixed('The change idea “'),
            ...field(el, 'changeIdea', context, removedWords),
            ...fixed('” was removed from the driver diagram.'),
          ]
        : fixed(`${changeIdeaRemovedWords('')}.`);
  const fields: [string, string, string][] = [
    ['Stage', 'stage', pdsaStageNames[pdsaStageOf(text(el, 'stage'))]],
    ['Question', 'question', text(el, 'question')],
    ['Prediction', 'prediction', text(el, 'prediction')],
    ['Who, what, where, when', 'arrangements', text(el, 'arrangements')],
    ['Data to collect', 'dataPlan', text(el, 'dataPlan')],
    ['Observations', 'observations', text(el, 'observations')],
    ['Result against the prediction', 'result', text(el, 'result')],
    ['Decision', 'decision', isPdsaDecision(decision) ? pdsaDecisionNames[decision] : ''],
    ['Next steps', 'nextSteps', text(el, 'nextSteps')],
  ];
  // The run chart holding its data, by the chart's measure (the chart is in the document
  // with its own words), or that it was removed; the words are the export's.
  const chart = resolveRunChart(el.getAttribute('runChartId') as unknown, charts);
  const runChart =
    chart.state === 'linked'
      ? `${runChartName(chart.measure)}, in this document.`
      : chart.state === 'removed'
        ? `${RUN_CHART_REMOVED}.`
        : '';
  for (const [label, key, value] of fields) {
    out.push(labelled(label, field(el, key, context, value)));
    if (key === 'stage') out.push(labelled('Change idea being tested', changeIdea));
    if (key === 'dataPlan') out.push(labelled('Run chart', fixed(runChart), 'none linked'));
  }
}

function driverDiagram(out: OutlineBlock[], el: Y.XmlElement, context: RunContext): void {
  out.push({ type: 'heading', level: 3, text: 'Driver diagram' });
  out.push(labelled('Aim', field(el, 'aim', context)));
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
          ...(text(branch, 'label') ? field(branch, 'label', context) : [{ text: '' }]),
        ],
      });
      walk(branch, level + 1);
    }
  };
  walk(el, 0);
}

/** A piece of evidence named for an export, and its element (whose words they are). */
interface Piece {
  label: string;
  el: Y.XmlElement;
}

/**
 * Every piece of evidence by its uid, named for an export, or null for one that must not
 * leave the group (so a link to it does not carry its words out either).
 */
function piecesOf(doc: Y.Doc, withheld: string[]): Map<string, Piece | null> {
  const pieces = new Map<string, Piece | null>();
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
              ? { label: evidenceLabel(e.anonymised ? { ...e, source: '' } : e), el }
              : null,
          );
        }
      } else walk(el);
    }
  };
  walk(doc.getXmlFragment('default'));
  return pieces;
}

/** The change ideas of the document's driver diagrams, which PDSA cycles link to. */
/** A driver diagram's change idea, with its element (whose words are credited). */
interface IdeaElement extends ChangeIdeaRef {
  el: Y.XmlElement;
}

function changeIdeasOf(doc: Y.Doc): IdeaElement[] {
  const ideas: IdeaElement[] = [];
  const walk = (parent: Y.XmlElement | Y.XmlFragment) => {
    for (const el of children(parent)) {
      if (el.nodeName === 'changeIdea') {
        const uid = text(el, 'uid');
        if (uid) ideas.push({ uid, label: text(el, 'label'), el });
      } else walk(el);
    }
  };
  walk(doc.getXmlFragment('default'));
  return ideas;
}

/** The document's run charts with an id, which PDSA cycles link to. */
function runChartsOf(doc: Y.Doc): RunChartRef[] {
  const charts: RunChartRef[] = [];
  const walk = (parent: Y.XmlElement | Y.XmlFragment) => {
    for (const el of children(parent)) {
      if (el.nodeName === 'runChart') {
        const uid = text(el, 'uid');
        if (uid) charts.push({ uid, measure: text(el, 'measure').slice(0, 200) });
      } else walk(el);
    }
  };
  walk(doc.getXmlFragment('default'));
  return charts;
}

/** What structured blocks link to elsewhere in the document, found once for the export. */
interface Links {
  /** Pieces of evidence (see `piecesOf`). */
  pieces: Map<string, Piece | null>;
  ideas: readonly IdeaElement[];
  /** Run charts, which PDSA cycles link to (the first with an id, as on the page). */
  charts: readonly RunChartRef[];
}

/**
 * A priority's or decision's evidence: its words, then the pieces it links to. A linked
 * piece is credited to whoever wrote its words (its body), wherever it is cited.
 */
function evidenceRuns(
  el: Y.XmlElement,
  basisKey: string,
  pieces: Map<string, Piece | null>,
  context: RunContext,
): Run[] {
  // Its link children, and the links of a document stored before they were children.
  const links = linksOf({
    legacy: el.getAttribute(EVIDENCE_LINKS_FIELD) as unknown,
    children: children(el).map((c) =>
      c.nodeName === EVIDENCE_LINK_NODE ? (c.getAttribute(EVIDENCE_LINK_PIECE) as unknown) : null,
    ),
  });
  const linked = links
    .filter((uid) => pieces.has(uid))
    .map((uid) => {
      const piece = pieces.get(uid);
      return piece
        ? field(piece.el, 'body', context, piece.label)
        : fixed('a quote or story kept within the group');
    });
  const parts = [field(el, basisKey, context), ...linked].filter((p) => p.length > 0);
  return merged(parts.flatMap((part, i) => (i === 0 ? part : [...fixed('; '), ...part])));
}

/** The outline of one top-level (or nested) block, appended to `out`. */
function block(out: OutlineBlock[], el: Y.XmlElement, links: Links, context: RunContext): void {
  const { pieces } = links;
  const items = () => children(el);
  switch (el.nodeName) {
    case 'heading': {
      const level = Number(el.getAttribute('level') as unknown);
      out.push({
        type: 'heading',
        level: level === 1 || level === 2 ? level : 3,
        text: plain(el),
        runs: runsOf(el, context),
      });
      return;
    }
    case 'paragraph':
      out.push({ type: 'paragraph', runs: runsOf(el, context) });
      return;
    case 'codeBlock':
      out.push({ type: 'paragraph', runs: runsOf(el, context), style: 'code' });
      return;
    case 'blockquote':
      for (const inner of items()) {
        if (inner.nodeName === 'paragraph') {
          out.push({ type: 'paragraph', runs: runsOf(inner, context), style: 'quote' });
        } else block(out, inner, links, context);
      }
      return;
    case 'bulletList':
    case 'orderedList':
      list(out, el, 0, el.nodeName === 'orderedList', context);
      return;
    case 'table': {
      // Each cell's words keep who wrote them, character by character, as paragraphs do.
      const rows = items().map((row) => children(row).map((cell) => allRuns(cell, context)));
      const [header = [], ...rest] = rows;
      out.push({
        type: 'table',
        header: header.map(joined),
        rows: rest.map((cells) => cells.map(joined)),
        runs: { header, rows: rest },
      });
      return;
    }
    case 'horizontalRule':
      return;
    case 'charter':
      card(out, el, charterCard, context);
      return;
    case 'serviceHeader': {
      card(out, el, serviceHeaderCard, context);
      const level = text(el, COPRODUCTION_FIELD);
      const known = coproductionLevels.find((l) => l === level);
      out.push(
        labelled(
          'How far co-production goes',
          known ? field(el, COPRODUCTION_FIELD, context, coproductionLevelNames[known]) : [],
          'not chosen yet',
        ),
      );
      return;
    }
    case 'proposedService':
      card(out, el, proposedServiceCard, context);
      return;
    case 'evidenceList':
      evidence(out, el, context);
      return;
    case 'participantList':
      participants(out, el, context);
      return;
    case 'runChart':
      runChart(out, el, context);
      return;
    case 'pdsaCycle':
      pdsa(out, el, context, links.ideas, links.charts);
      return;
    case 'driverDiagram':
      driverDiagram(out, el, context);
      return;
    case 'actionLog':
      out.push({ type: 'heading', level: 3, text: 'Action log' });
      out.push(
        table(
          ['Action', 'Owner', 'Due', 'Status'],
          items().map((a) => {
            const due = text(a, 'due');
            return [
              field(a, 'action', context),
              field(a, 'owner', context),
              field(a, 'due', context, isIsoDate(due) ? formatDay(due) : ''),
              field(
                a,
                'status',
                context,
                actionStatusNames[actionStatusOf(a.getAttribute('status') as unknown)],
              ),
            ];
          }),
        ),
      );
      return;
    case 'priorityList':
      out.push({ type: 'heading', level: 3, text: 'Priorities' });
      for (const p of items()) {
        out.push({
          type: 'paragraph',
          runs: text(p, 'title')
            ? field(p, 'title', context, text(p, 'title'), { bold: true })
            : fixed('A priority', { bold: true }),
        });
        const behind = evidenceRuns(p, 'evidence', pieces, context);
        if (behind.length > 0) out.push(labelled('Evidence behind it', behind));
        out.push(labelled('You said, we did: what changed', field(p, 'changed', context)));
        out.push(labelled('What did not change, and why', field(p, 'unchanged', context)));
      }
      return;
    case 'decisionLog':
      out.push({ type: 'heading', level: 3, text: 'Decision log' });
      out.push(
        table(
          ['Decision', 'Decided on', 'Decided by', 'Evidence'],
          items().map((d) => {
            const on = text(d, 'decidedOn');
            return [
              field(d, 'decisionText', context),
              field(d, 'decidedOn', context, isIsoDate(on) ? formatDay(on) : ''),
              field(d, 'decidedBy', context),
              evidenceRuns(d, 'basis', pieces, context),
            ];
          }),
        ),
      );
      return;
    default: {
      // Anything else with text in it is kept as its text (credited, when asked, as text is).
      const runs = allRuns(el, context);
      const words = joined(runs);
      if (words) {
        out.push({ type: 'paragraph', runs: context.authors ? runs : [{ text: words }] });
      }
    }
  }
}

/** One comment of a thread, as a Word comment on the thread's words. */
export interface OutlineComment {
  id: number;
  /** The thread's first comment, for a reply. */
  parentId?: number;
  /** As the person chose to be credited, with their role in the group. */
  author: string;
  date: Date;
  resolved: boolean;
  paragraphs: string[];
}

export interface Outline {
  blocks: OutlineBlock[];
  /** Word comments, each on the words its thread is on (their ranges are in `blocks`). */
  comments: OutlineComment[];
  /** When the export shows who wrote what: each author's share of the text's runs. */
  authorship?: AuthorShare[];
}

/** An author (an account id, or null for words nobody is credited with) and their share. */
export interface AuthorShare {
  author: string | null;
  characters: number;
}

/** Which comment threads an export carries. */
export interface ExportedComments {
  threads: readonly CommentThreadView[];
  which: 'open' | 'all';
}

/** Where a thread's anchor falls: a place in a text node, or null if it is not in one. */
function placeIn(doc: Y.Doc, encoded: string): { text: Y.XmlText; index: number } | null {
  try {
    const relative = Y.decodeRelativePosition(Buffer.from(encoded, 'base64'));
    const at = Y.createAbsolutePositionFromRelativePosition(relative, doc);
    if (!at || !(at.type instanceof Y.XmlText)) return null;
    // A position in text since deleted (a paragraph removed or joined) has no place.
    for (let item = at.type._item; item; item = (item.parent as Y.AbstractType<unknown>)._item) {
      if (item.deleted) return null;
    }
    return { text: at.type, index: at.index };
  } catch {
    return null;
  }
}

/** The positions, from the document's root down, of the blocks that hold a text node. */
function pathOf(node: Y.XmlText): number[] {
  const steps: number[] = [];
  let child: Y.XmlText | Y.XmlElement = node;
  let parent = node.parent;
  while (parent instanceof Y.XmlElement || parent instanceof Y.XmlFragment) {
    steps.unshift(parent.toArray().indexOf(child));
    if (!(parent instanceof Y.XmlElement)) break;
    child = parent;
    parent = parent.parent;
  }
  return steps;
}

/** Whether `a` comes before `b` in the document (both in text nodes). */
function before(a: { text: Y.XmlText; index: number }, b: { text: Y.XmlText; index: number }) {
  if (a.text === b.text) return a.index < b.index;
  const pa = pathOf(a.text);
  const pb = pathOf(b.text);
  for (let i = 0; i < Math.min(pa.length, pb.length); i++) {
    if (pa[i] !== pb[i]) return (pa[i] ?? 0) < (pb[i] ?? 0);
  }
  return pa.length < pb.length;
}

const day = new Intl.DateTimeFormat('en-GB', { dateStyle: 'long', timeZone: 'UTC' });

const suggestionLine = (t: CommentThreadView): string | null => {
  if (!t.suggestion) return null;
  const outcome =
    t.suggestion.outcome === null
      ? 'not decided yet'
      : `${t.suggestion.outcome} by ${t.suggestion.decided?.byName ?? 'an editor'}`;
  // A quote that is only a paragraph break (Backspace at a paragraph's start) joins two.
  const change =
    t.quote === PARAGRAPH_BREAK
      ? t.suggestion.text === ''
        ? 'join the two paragraphs'
        : `join the two paragraphs with “${t.suggestion.text}”`
      : t.suggestion.text === ''
        ? 'delete the words'
        : t.quote === ''
          ? `add “${t.suggestion.text}”`
          : `“${t.suggestion.text}”`;
  return `${change} (${outcome})`;
};

/**
 * The document's outline for an export, with the chosen comment threads. A thread whose
 * words are in the text becomes Word comments on those words (its first comment, and its
 * replies under it; resolved if it was); the others (their words deleted since, or in a
 * table or structured block) are listed at the end. All of it goes through the same safety
 * net, so a comment that quotes a withheld quote does not carry it out either.
 */
export function documentOutline(
  doc: Y.Doc,
  exported: ExportedComments | null = null,
  authors: AuthorLookup | null = null,
): Outline {
  const out: OutlineBlock[] = [];
  const withheld: string[] = [];
  const links: Links = {
    pieces: piecesOf(doc, withheld),
    ideas: changeIdeasOf(doc),
    charts: runChartsOf(doc),
  };
  const chosen = (exported?.threads ?? []).filter(
    (t) => exported?.which === 'all' || t.resolved === null,
  );
  // Each thread's place, and its comments' Word ids (numbered in order, from 1).
  const marks: Marks = new Map();
  const placed = new Map<CommentThreadView, number[]>();
  let nextId = 1;
  for (const t of chosen) {
    const live = t.comments.filter((c) => !c.deleted);
    const start = placeIn(doc, t.anchor.start);
    const end = placeIn(doc, t.anchor.end);
    if (live.length === 0 || !start || !end || !before(start, end)) continue;
    const ids = live.map(() => nextId++);
    placed.set(t, ids);
    // Replies' ranges sit inside their first comment's, as Word writes them.
    const starts = ids.map((id) => ({
      index: start.index,
      run: { text: '', comment: { id, at: 'start' as const } },
    }));
    const ends = [...ids]
      .reverse()
      .map((id) => ({ index: end.index, run: { text: '', comment: { id, at: 'end' as const } } }));
    marks.set(start.text, [...(marks.get(start.text) ?? []), ...starts]);
    marks.set(end.text, [...(marks.get(end.text) ?? []), ...ends]);
  }
  const context: RunContext = { marks, authors };
  for (const el of children(doc.getXmlFragment('default'))) block(out, el, links, context);
  // Words in a table or a structured block are written out without their runs, so a range
  // there has lost its start or its end: such a thread is listed at the end instead.
  const written = new Map<number, Set<'start' | 'end'>>();
  for (const run of out.flatMap(runsOfBlock)) {
    if (!run.comment) continue;
    const ends = written.get(run.comment.id) ?? new Set();
    ends.add(run.comment.at);
    written.set(run.comment.id, ends);
  }
  const dropped = new Set<number>();
  for (const [t, ids] of placed) {
    if (ids.every((id) => written.get(id)?.size === 2)) continue;
    for (const id of ids) dropped.add(id);
    placed.delete(t);
  }
  for (const b of out) {
    // Comment ranges are placed only in paragraphs, bullets and headings.
    if ((b.type === 'paragraph' || b.type === 'bullet' || b.type === 'heading') && b.runs) {
      b.runs = b.runs.filter((r) => !r.comment || !dropped.has(r.comment.id));
    }
    // A heading keeps its runs only to carry a comment's range or who wrote it; a labelled
    // line and a table only to carry who wrote it.
    if (b.type === 'heading' && !authors && !b.runs?.some((r) => r.comment)) delete b.runs;
    if ((b.type === 'labelled' || b.type === 'table') && !authors) delete b.runs;
  }
  const unplaced = chosen.filter((t) => !placed.has(t));
  if (exported) out.push(...threadsAppendix(unplaced, exported.which, placed.size));
  const clean = cleaner(withheld);
  const comments: OutlineComment[] = [];
  for (const [t, ids] of placed) {
    const live = t.comments.filter((c) => !c.deleted);
    live.forEach((c, i) => {
      const paragraphs = [c.body];
      const suggested = i === 0 ? suggestionLine(t) : null;
      if (suggested) paragraphs.push(`Suggested change: ${suggested}`);
      if (i === live.length - 1 && t.resolved) {
        paragraphs.push(
          `Resolved by ${t.resolved.byName} on ${day.format(new Date(t.resolved.at))}.`,
        );
      }
      comments.push({
        id: ids[i] ?? 0,
        ...(i > 0 && ids[0] !== undefined ? { parentId: ids[0] } : {}),
        author: `${c.authorName} (${c.roleLabel})`,
        date: new Date(c.createdAt),
        resolved: t.resolved !== null,
        paragraphs: paragraphs.map(clean),
      });
    });
  }
  const blocks = withoutWithheld(out, clean);
  return { blocks, comments, ...(authors ? { authorship: authorshipOf(blocks) } : {}) };
}

/** How many of the exported characters each author wrote, in order of first appearance. */
function authorshipOf(blocks: readonly OutlineBlock[]): AuthorShare[] {
  const shares = new Map<string | null, number>();
  for (const run of blocks.flatMap(runsOfBlock)) {
    if (run.author === undefined || run.text === '') continue;
    shares.set(run.author, (shares.get(run.author) ?? 0) + run.text.length);
  }
  return [...shares].map(([author, characters]) => ({ author, characters }));
}

/** The runs of a block that has them (a table's, every cell's). */
function runsOfBlock(b: OutlineBlock): Run[] {
  switch (b.type) {
    case 'paragraph':
    case 'bullet':
      return b.runs;
    case 'heading':
    case 'labelled':
      return b.runs ?? [];
    case 'table':
      return b.runs ? [...b.runs.header, ...b.runs.rows.flat()].flat() : [];
    default:
      return [];
  }
}

/** The outline of a document alone, without comments. */
export const outlineOf = (doc: Y.Doc): OutlineBlock[] => documentOutline(doc).blocks;

/**
 * The threads not shown beside their words, listed at the end: each with the words it was
 * on, every comment credited as its author chose (name or role) with its date, what a
 * suggestion proposed and what became of it, and whether the thread was resolved. Deleted
 * comments are left out.
 */
function threadsAppendix(
  threads: readonly CommentThreadView[],
  which: 'open' | 'all',
  placedCount: number,
): OutlineBlock[] {
  const kind = which === 'open' ? 'open comments' : 'comments';
  if (threads.length === 0) {
    return placedCount === 0
      ? [
          { type: 'heading', level: 1, text: 'Comments' },
          {
            type: 'note',
            text: which === 'open' ? 'There are no open comments.' : 'There are no comments.',
          },
        ]
      : [];
  }
  const out: OutlineBlock[] = [{ type: 'heading', level: 1, text: 'Comments' }];
  out.push({
    type: 'note',
    text: `${threads.length} ${threads.length === 1 ? 'thread' : 'threads'}${which === 'open' ? ' still open' : ''}, oldest first${placedCount > 0 ? `, whose words are no longer in the text or are in a table or block (the other ${kind} are beside their words)` : ''}. Each person is named as they chose to be credited.`,
  });
  for (const t of threads) {
    // A suggestion to add words is on one place, not on words (`quote` is empty).
    out.push(
      t.quote === ''
        ? { type: 'labelled', label: 'Where', text: 'At one place in the text' }
        : // A quote spanning paragraphs, on one line: each break written ¶.
          { type: 'labelled', label: 'On the words', text: `“${spokenQuote(t.quote)}”` },
    );
    const suggested = suggestionLine(t);
    if (suggested) out.push({ type: 'labelled', label: 'Suggested change', text: suggested });
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
 * paragraph, another field or a comment is taken out there too (those of a dozen
 * characters or more, so a common word is never blanked).
 */
function cleaner(withheld: readonly string[]): (s: string) => string {
  const long = [...new Set(withheld)]
    .filter((w) => w.length >= 12)
    .sort((a, b) => b.length - a.length);
  const NOTE = '[a quote kept within the group]';
  return (s) => long.reduce((acc, w) => acc.split(w).join(NOTE), s);
}

function withoutWithheld(out: OutlineBlock[], clean: (s: string) => string): OutlineBlock[] {
  const runs = (rs: Run[]) => {
    const joined = rs.map((r) => r.text).join('');
    if (clean(joined) === joined) return rs;
    // A quote inside one run is replaced there, so the other runs keep their style and
    // author.
    const each = rs.map((r) => (r.text ? { ...r, text: clean(r.text) } : r));
    const rejoined = each.map((r) => r.text).join('');
    if (clean(rejoined) === rejoined) return each;
    // A quote split across runs (part bold, or by two authors) is found in the joined
    // text: the runs merge, keeping where comments' ranges start (before) and end (after).
    const starts = rs.filter((r) => r.comment?.at === 'start');
    const ends = rs.filter((r) => r.comment?.at === 'end');
    return [...starts, { text: clean(joined) }, ...ends];
  };
  return out.map((b) => {
    switch (b.type) {
      case 'heading':
        return { ...b, text: clean(b.text), ...(b.runs ? { runs: runs(b.runs) } : {}) };
      case 'paragraph':
      case 'bullet':
        return { ...b, runs: runs(b.runs) };
      case 'labelled':
        return { ...b, text: clean(b.text), ...(b.runs ? { runs: runs(b.runs) } : {}) };
      case 'table':
        return {
          ...b,
          header: b.header.map(clean),
          rows: b.rows.map((r) => r.map(clean)),
          ...(b.runs
            ? {
                runs: {
                  header: b.runs.header.map(runs),
                  rows: b.runs.rows.map((r) => r.map(runs)),
                },
              }
            : {}),
        };
      case 'runChart':
        return { ...b, title: clean(b.title), description: clean(b.description) };
      default:
        return b;
    }
  });
}
