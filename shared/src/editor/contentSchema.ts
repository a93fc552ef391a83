import { z } from 'zod';
import { actionFields } from '../domain/actionLog.ts';
import {
  cardAttributes,
  charterCard,
  proposedServiceCard,
  serviceHeaderCard,
} from '../domain/cards.ts';
import { decisionFields } from '../domain/decisionLog.ts';
import { driverAttributes, driverLevels } from '../domain/driverDiagram.ts';
import {
  EVIDENCE_LINK_NODE,
  EVIDENCE_LINK_PIECE,
  EVIDENCE_LINKS_FIELD,
  evidenceFields,
} from '../domain/evidence.ts';
import { participantFields } from '../domain/participantList.ts';
import { CHANGE_IDEA_ID, pdsaFields } from '../domain/pdsa.ts';
import { priorityFields } from '../domain/priorities.ts';
import { measureAttributes } from '../domain/runChart.ts';
import { EDITOR_FRAGMENT } from './seed.ts';

/**
 * What the editor's schema (Tiptap's StarterKit and TableKit, as the client configures
 * them) can hold, in the names the Yjs binding stores: one root fragment, an element per
 * block or inline node, an attribute per node attribute, and a text format per mark (an
 * overlapping mark's name gets a "--" and an 8-character hash). The server refuses updates
 * with anything else: the binding on every client would silently delete what it cannot
 * show, and those deletions would be recorded as made by whoever had the page open.
 *
 * Kept as plain names so the server checks updates without loading the editor. Tests on
 * both sides compare these lists with the schema the editor builds, so they cannot drift.
 */
/**
 * Chorus's own structured blocks inside the text (see `client/src/editor/runChart/` and
 * `pdsa/`, `actionLog/`): a run chart of a measure holds its data points as child elements,
 * so two people adding points at once both keep theirs, and each point is credited like
 * text, as an action log does its actions; a PDSA cycle keeps its fields as attributes
 * (see `domain/pdsa.ts`).
 */
export const structuredContent = {
  elements: [
    'runChart',
    'dataPoint',
    'pdsaCycle',
    'actionLog',
    'actionItem',
    'priorityList',
    'priority',
    charterCard.name,
    serviceHeaderCard.name,
    proposedServiceCard.name,
    'driverDiagram',
    ...driverLevels,
    'evidenceList',
    'evidenceItem',
    'decisionLog',
    'decisionItem',
    // A priority's or decision's link to a piece of evidence, one child per link.
    EVIDENCE_LINK_NODE,
    'participantList',
    'participantItem',
  ],
  attributes: [
    'measure',
    'shift',
    'trend',
    ...measureAttributes,
    'date',
    'value',
    'note',
    ...pdsaFields,
    ...actionFields,
    // 'title' is also a PDSA cycle's; the list is of names, each once.
    ...priorityFields.filter((f) => f !== 'title'),
    ...cardAttributes,
    ...driverAttributes,
    ...evidenceFields,
    ...decisionFields,
    EVIDENCE_LINK_PIECE,
    // Where links were kept before they were children: still read, emptied on first edit.
    EVIDENCE_LINKS_FIELD,
    ...participantFields,
    // A child's own id in a structured block (an action, a priority, a branch...), so an
    // edit finds the child it was made to, whatever was added or removed around it.
    'uid',
  ],
} as const;

// Short enough to be the reason a refused connection is closed with (at most 123 bytes).
const CHANGE_IDEA_LINK =
  "changeIdeaId must be a change idea's uid (1-64 of A-Z a-z 0-9 - _), or empty for no link";

const RUN_CHART_LINK =
  "runChartId must be a run chart's uid (1-64 of A-Z a-z 0-9 - _), or empty for no link";

/**
 * Attributes whose values are checked as well as their names, because a page acts on them
 * rather than only showing them: a PDSA cycle's link to a change idea is looked up in the
 * driver diagram, and its link to a run chart among the document's charts (see
 * `domain/pdsa.ts`). Every other attribute is shown as text, read leniently by the page.
 */
export const structuredValues = {
  changeIdeaId: z
    .string({ error: CHANGE_IDEA_LINK })
    .refine((value) => value === '' || CHANGE_IDEA_ID.test(value), CHANGE_IDEA_LINK),
  // A PDSA cycle's link to a run chart of the same document.
  runChartId: z
    .string({ error: RUN_CHART_LINK })
    .refine((value) => value === '' || CHANGE_IDEA_ID.test(value), RUN_CHART_LINK),
} as const;

export const editorContent = {
  roots: [EDITOR_FRAGMENT],
  elements: [
    ...structuredContent.elements,
    'paragraph',
    'blockquote',
    'bulletList',
    'codeBlock',
    'hardBreak',
    'heading',
    'horizontalRule',
    'listItem',
    'orderedList',
    'table',
    'tableCell',
    'tableHeader',
    'tableRow',
  ],
  attributes: [
    'language',
    'level',
    'start',
    'type',
    'colspan',
    'rowspan',
    'colwidth',
    'align',
    ...structuredContent.attributes,
  ],
  marks: ['link', 'bold', 'code', 'italic', 'strike', 'underline'],
  values: structuredValues,
} as const;
