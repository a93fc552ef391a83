import {
  CommentRangeEnd,
  CommentRangeStart,
  CommentReference,
  Document,
  HeadingLevel,
  Packer,
  Paragraph,
  Table,
  TableCell,
  TableRow,
  TextRun,
  WidthType,
} from 'docx';
import { ChartRun } from 'docx/charts';
import type { Outline, OutlineBlock, Run } from './outline.ts';

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
  extra: { italics?: boolean; font?: string } = {},
): (TextRun | CommentRangeStart | CommentRangeEnd)[] {
  return runs.flatMap((run): (TextRun | CommentRangeStart | CommentRangeEnd)[] =>
    run.comment
      ? run.comment.at === 'start'
        ? [new CommentRangeStart(run.comment.id)]
        : [
            new CommentRangeEnd(run.comment.id),
            new TextRun({ children: [new CommentReference(run.comment.id)] }),
          ]
      : run.text.split('\n').map(
          (piece, i) =>
            new TextRun({
              text: safe(piece),
              break: i > 0 ? 1 : undefined,
              bold: run.bold,
              italics: run.italic || extra.italics,
              font: extra.font,
            }),
        ),
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

function render(block: OutlineBlock): Paragraph | Table {
  switch (block.type) {
    case 'heading':
      return block.runs
        ? new Paragraph({ children: textRuns(block.runs), heading: headings[block.level] })
        : new Paragraph({ text: safe(block.text), heading: headings[block.level] });
    case 'paragraph':
      if (block.style === 'quote') {
        return new Paragraph({
          children: textRuns(block.runs, { italics: true }),
          indent: { left: 720 },
        });
      }
      return new Paragraph({
        children: textRuns(block.runs, block.style === 'code' ? { font: 'Courier New' } : {}),
      });
    case 'bullet':
      return new Paragraph({
        children: textRuns(block.runs),
        bullet: { level: Math.min(block.level, 8) },
      });
    case 'labelled':
      return new Paragraph({
        children: [
          new TextRun({ text: `${block.label}: `, bold: true }),
          ...textRuns([{ text: block.text }]),
        ],
      });
    case 'table':
      return docxTable(block.header, block.rows);
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

/**
 * A document's outline as a Word document, with its title and what was left out and why,
 * and its comments beside the words they are on.
 */
export function outlineToDocx(
  title: string,
  about: string,
  outline: Outline | readonly OutlineBlock[],
): Promise<Buffer> {
  const { blocks, comments } = 'blocks' in outline ? outline : { blocks: outline, comments: [] };
  const children: (Paragraph | Table)[] = [
    new Paragraph({ text: safe(title), heading: HeadingLevel.TITLE }),
    new Paragraph({ children: [new TextRun({ text: safe(about), italics: true })] }),
    ...blocks.map(render),
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
