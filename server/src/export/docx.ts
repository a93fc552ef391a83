import {
  CommentRangeEnd,
  CommentRangeStart,
  CommentReference,
  Document,
  HeadingLevel,
  Packer,
  Paragraph,
  ShadingType,
  Table,
  TableCell,
  TableRow,
  TextRun,
  UnderlineType,
  WidthType,
} from 'docx';
import { ChartRun } from 'docx/charts';
import type { Outline, OutlineBlock, Run } from './outline.ts';

/** Someone whose words the export marks, credited as they chose, with their colour. */
export interface AuthorKey {
  /** The account id the outline's runs carry. */
  author: string;
  name: string;
  roleLabel: string;
  /** `#rrggbb`. */
  color: string;
  characters: number;
}

/**
 * How a run by one author looks: as in Chorus's author view, a light tint of their colour
 * behind the words and an underline in it, whose style differs from person to person so
 * that colour is never the only cue (in the order the key lists them).
 */
interface AuthorStyle {
  shading: { type: typeof ShadingType.CLEAR; fill: string; color: 'auto' };
  underline: { type: (typeof underlineTypes)[number]; color: string };
  /** The underline in words, for the key. */
  line: string;
}

const underlineTypes = [
  UnderlineType.SINGLE,
  UnderlineType.DASH,
  UnderlineType.DOTTED,
  UnderlineType.DOUBLE,
  UnderlineType.WAVE,
] as const;
const underlineWords = ['solid', 'dashed', 'dotted', 'double', 'wavy'] as const;

/** `#rrggbb` as Word writes it, or a neutral grey for anything else. */
const hex = (color: string) => (/^#[0-9a-f]{6}$/i.test(color) ? color.slice(1) : '4b5563');

/** The colour mixed 10% into white: the author view's tint, behind black text. */
function tint(color: string): string {
  const rgb = hex(color);
  return [0, 2, 4]
    .map((i) => {
      const c = Number.parseInt(rgb.slice(i, i + 2), 16);
      return Math.round(0.1 * c + 0.9 * 255)
        .toString(16)
        .padStart(2, '0');
    })
    .join('')
    .toUpperCase();
}

function authorStyles(keys: readonly AuthorKey[]): Map<string, AuthorStyle> {
  return new Map(
    keys.map((k, slot) => [
      k.author,
      {
        shading: { type: ShadingType.CLEAR, fill: tint(k.color), color: 'auto' },
        underline: {
          type: underlineTypes[slot % underlineTypes.length] ?? UnderlineType.SINGLE,
          color: hex(k.color).toUpperCase(),
        },
        line: underlineWords[slot % underlineWords.length] ?? 'solid',
      },
    ]),
  );
}

const headings = {
  1: HeadingLevel.HEADING_1,
  2: HeadingLevel.HEADING_2,
  3: HeadingLevel.HEADING_3,
} as const;

/**
 * Text a Word file can hold: XML 1.0 allows neither most control characters nor U+FFFE,
 * U+FFFF or a lone surrogate, and one of them in a document makes the file unreadable.
 */
const allowed = (cp: number) =>
  cp === 0x9 ||
  cp === 0xa ||
  cp === 0xd ||
  (cp >= 0x20 && cp <= 0xd7ff) ||
  (cp >= 0xe000 && cp <= 0xfffd) ||
  cp >= 0x10000;

function safe(text: string): string {
  let out = '';
  // By code point, so a lone surrogate is one character (and not allowed).
  for (const ch of text) if (allowed(ch.codePointAt(0) ?? 0)) out += ch;
  return out;
}

/**
 * Text runs, with line breaks inside a paragraph kept as breaks, and the ranges of Word
 * comments where the outline marks them (the reference, which Word shows as the comment's
 * marker, follows the range's end).
 */
function textRuns(
  runs: readonly Run[],
  extra: {
    bold?: boolean;
    italics?: boolean;
    font?: string;
    authors?: ReadonlyMap<string, AuthorStyle>;
  } = {},
): (TextRun | CommentRangeStart | CommentRangeEnd)[] {
  return runs.flatMap((run): (TextRun | CommentRangeStart | CommentRangeEnd)[] =>
    run.comment
      ? run.comment.at === 'start'
        ? [new CommentRangeStart(run.comment.id)]
        : [
            new CommentRangeEnd(run.comment.id),
            new TextRun({ children: [new CommentReference(run.comment.id)] }),
          ]
      : run.text.split('\n').map((piece, i) => {
          const by = run.author ? extra.authors?.get(run.author) : undefined;
          return new TextRun({
            text: safe(piece),
            break: i > 0 ? 1 : undefined,
            bold: run.bold || extra.bold,
            italics: run.italic || extra.italics,
            font: extra.font,
            ...(by ? { shading: by.shading, underline: by.underline } : {}),
          });
        }),
  );
}

/** A table with a header row; every cell plain text. */
export function docxTable(header: readonly string[], rows: readonly string[][]): Table {
  const row = (cells: readonly string[], bold: boolean) =>
    new TableRow({
      tableHeader: bold,
      children: cells.map(
        (text) =>
          new TableCell({
            children: [new Paragraph({ children: [new TextRun({ text: safe(text), bold })] })],
          }),
      ),
    });
  return new Table({
    width: { size: 100, type: WidthType.PERCENTAGE },
    rows: [row(header, true), ...rows.map((cells) => row(cells, false))],
  });
}

/**
 * A table with a header row, each cell's runs marked with who wrote them where the
 * outline says (a cell is otherwise plain words, the header bold).
 */
function runsTable(
  header: readonly (readonly Run[])[],
  rows: readonly (readonly (readonly Run[])[])[],
  authors: ReadonlyMap<string, AuthorStyle>,
): Table {
  const row = (cells: readonly (readonly Run[])[], bold: boolean) =>
    new TableRow({
      tableHeader: bold,
      children: cells.map(
        (runs) =>
          new TableCell({
            children: [new Paragraph({ children: textRuns(runs, { bold, authors }) })],
          }),
      ),
    });
  return new Table({
    width: { size: 100, type: WidthType.PERCENTAGE },
    rows: [row(header, true), ...rows.map((cells) => row(cells, false))],
  });
}

function render(block: OutlineBlock, authors: ReadonlyMap<string, AuthorStyle>): Paragraph | Table {
  switch (block.type) {
    case 'heading':
      return block.runs
        ? new Paragraph({
            children: textRuns(block.runs, { authors }),
            heading: headings[block.level],
          })
        : new Paragraph({ text: safe(block.text), heading: headings[block.level] });
    case 'paragraph':
      if (block.style === 'quote') {
        return new Paragraph({
          children: textRuns(block.runs, { italics: true, authors }),
          indent: { left: 720 },
        });
      }
      return new Paragraph({
        children: textRuns(block.runs, {
          authors,
          ...(block.style === 'code' ? { font: 'Courier New' } : {}),
        }),
      });
    case 'bullet':
      return new Paragraph({
        children: textRuns(block.runs, { authors }),
        bullet: { level: Math.min(block.level, 8) },
      });
    case 'labelled':
      return new Paragraph({
        children: [
          new TextRun({ text: `${block.label}: `, bold: true }),
          ...textRuns(block.runs ?? [{ text: block.text }], { authors }),
        ],
      });
    case 'table':
      return block.runs
        ? runsTable(block.runs.header, block.runs.rows, authors)
        : docxTable(block.header, block.rows);
    case 'note':
      return new Paragraph({ children: [new TextRun({ text: safe(block.text), italics: true })] });
    case 'runChart':
      // A chart Word draws from its data (and opens in Excel with "Edit Data"), the median
      // dashed, described in words for screen readers.
      return new Paragraph({
        children: [
          new ChartRun({
            type: 'line',
            title: safe(block.title),
            categories: block.days.map(safe),
            series: [
              { name: 'Value', values: block.values, markers: true },
              {
                name: `Median (${block.median})`,
                values: block.values.map(() => block.median),
                line: { dash: 'dash', width: 1.5 },
                markers: false,
              },
              // The points of a shift, a trend or an astronomical point, as larger
              // diamonds over the values' circles (a shape, not a colour alone), without a
              // line of their own.
              ...(block.signalPoints.length > 0
                ? [
                    {
                      name: 'Part of a signal',
                      values: block.values.map((v, i) =>
                        block.signalPoints.includes(i) ? v : null,
                      ),
                      line: { width: 0 },
                      markers: { shape: 'diamond' as const, size: 9 },
                    },
                  ]
                : []),
            ],
            altText: {
              name: safe(`Run chart: ${block.title}`),
              title: safe(`Run chart: ${block.title}`),
              description: safe(block.description),
            },
          }),
        ],
      });
  }
}

/** Up to two initials of a name, for Word's comment markers ("Pat Patient (…)" is PP). */
const initials = (author: string) =>
  author
    .replace(/\(.*\)/, '')
    .split(/\s+/)
    .filter(Boolean)
    .slice(0, 2)
    .map((w) => w.charAt(0).toUpperCase())
    .join('');

const number = new Intl.NumberFormat('en-GB');

/**
 * The key to who wrote what, before the text: each person credited as they chose, how
 * their words look, and how many of the exported characters are theirs.
 */
function authorKey(
  keys: readonly AuthorKey[],
  styles: ReadonlyMap<string, AuthorStyle>,
  uncredited: number,
): (Paragraph | Table)[] {
  const cell = (children: TextRun[]) => new TableCell({ children: [new Paragraph({ children })] });
  const header = new TableRow({
    tableHeader: true,
    children: ['Sample', 'Who', 'Role', 'How their words are marked', 'Characters'].map((h) =>
      cell([new TextRun({ text: h, bold: true })]),
    ),
  });
  const rows = keys.map((k) => {
    const style = styles.get(k.author);
    return new TableRow({
      children: [
        cell([
          new TextRun({
            text: 'Abc',
            ...(style ? { shading: style.shading, underline: style.underline } : {}),
          }),
        ]),
        cell([new TextRun({ text: safe(k.name) })]),
        cell([new TextRun({ text: safe(k.roleLabel) })]),
        cell([new TextRun({ text: `Tinted and with a ${style?.line ?? 'solid'} underline` })]),
        cell([new TextRun({ text: number.format(k.characters) })]),
      ],
    });
  });
  const template =
    uncredited > 0
      ? ` Text from the document template (${number.format(uncredited)} characters) is not marked.`
      : '';
  return [
    new Paragraph({ text: 'Who wrote what', heading: HeadingLevel.HEADING_1 }),
    new Paragraph({
      children: [
        new TextRun({
          text: `Each person's words in the text below are tinted in their colour and underlined, each person with a different underline, as in Chorus's author view. Everyone is named as they chose to be credited.${template} Words in tables and in structured blocks are marked too: each field of a block is credited to whoever last changed it.`,
          italics: true,
        }),
      ],
    }),
    new Table({ width: { size: 100, type: WidthType.PERCENTAGE }, rows: [header, ...rows] }),
  ];
}

/**
 * A document's outline as a Word document, with its title and what was left out and why,
 * its comments beside the words they are on and, when `authors` is given, each person's
 * words marked as in the author view, with a key.
 */
export function outlineToDocx(
  title: string,
  about: string,
  outline: Outline | readonly OutlineBlock[],
  authors: readonly AuthorKey[] | null = null,
): Promise<Buffer> {
  const { blocks, comments } = 'blocks' in outline ? outline : { blocks: outline, comments: [] };
  const styles = authorStyles(authors ?? []);
  const uncredited =
    'blocks' in outline
      ? (outline.authorship?.find((share) => share.author === null)?.characters ?? 0)
      : 0;
  const children: (Paragraph | Table)[] = [
    new Paragraph({ text: safe(title), heading: HeadingLevel.TITLE }),
    new Paragraph({ children: [new TextRun({ text: safe(about), italics: true })] }),
    ...(authors ? authorKey(authors, styles, uncredited) : []),
    ...blocks.map((b) => render(b, styles)),
  ];
  return Packer.toBuffer(
    new Document({
      title,
      comments: {
        children: comments.map((c) => ({
          id: c.id,
          ...(c.parentId === undefined ? {} : { parentId: c.parentId }),
          author: safe(c.author),
          initials: safe(initials(c.author)),
          date: c.date,
          resolved: c.resolved,
          children: c.paragraphs.map(
            (text) => new Paragraph({ children: [new TextRun({ text: safe(text) })] }),
          ),
        })),
      },
      sections: [{ children }],
    }),
  );
}
