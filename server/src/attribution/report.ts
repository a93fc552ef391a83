import type { AuthorshipIndex, ParticipantRole } from '@chorus/shared';
import { participantRoleLabels, participantRoles } from '@chorus/shared';
import type * as Y from 'yjs';
import { toCsv } from '../services/csv.ts';
import type { LedgerDelete } from '../storage/types.ts';
import { type AuthoredBlock, authoredBlocks } from './textRuns.ts';

export interface Person {
  accountId: string;
  /** As the person chose to be credited. */
  name: string;
  role: ParticipantRole;
}

export interface PersonFigures {
  accountId: string;
  name: string;
  role: ParticipantRole;
  roleLabel: string;
  wordsInDocument: number;
  wordsWritten: number;
  wordsDeleted: number;
  /** Comments they wrote in the document and have not deleted. */
  commentsMade: number;
  /** Their suggested edits that an editor accepted (the words are credited to them). */
  suggestionsAccepted: number;
  deletedFrom: { accountId: string | null; name: string; words: number }[];
}

export interface ContributionReport {
  totalWords: number;
  templateWords: number;
  people: PersonFigures[];
  roles: {
    role: ParticipantRole;
    label: string;
    people: number;
    wordsInDocument: number;
    wordsWritten: number;
    wordsDeleted: number;
    commentsMade: number;
    suggestionsAccepted: number;
  }[];
  passages: {
    text: string;
    accountId: string;
    name: string;
    blockIndex: number;
    clientId: number;
    clock: number;
  }[];
  note: string;
}

export const REPORT_NOTE =
  'These figures count words of text: who typed them, who removed them, and what is still in the document. ' +
  'They do not measure ideas, influence or the value of anyone’s contribution: a short sentence from a patient can change a whole service.';

const WORD = /[\p{L}\p{N}]+(?:['’][\p{L}\p{N}]+)*/gu;

/** Words per author in one block: a word belongs to whoever wrote most of its letters. */
function wordsByAuthor(block: AuthoredBlock, counts: Map<string | null, number>): number {
  const text = block.runs.map((r) => r.text).join('');
  const authors: (string | null)[] = block.runs.flatMap((r) =>
    Array.from({ length: r.text.length }, () => r.authorId),
  );
  let total = 0;
  for (const m of text.matchAll(WORD)) {
    const tally = new Map<string | null, number>();
    for (let i = m.index; i < m.index + m[0].length; i++) {
      const a = authors[i] ?? null;
      tally.set(a, (tally.get(a) ?? 0) + 1);
    }
    let best: string | null = null;
    let bestCount = -1;
    for (const [a, n] of tally) {
      if (n > bestCount) {
        best = a;
        bestCount = n;
      }
    }
    counts.set(best, (counts.get(best) ?? 0) + 1);
    total++;
  }
  return total;
}

/**
 * The contribution report: per person and per participant role, words still in the
 * document, words written in all, words deleted and whose; and the passages written by
 * patients and service users that survive, with where to find them.
 */
export function computeReport(
  doc: Y.Doc,
  index: AuthorshipIndex,
  deletes: readonly LedgerDelete[],
  people: ReadonlyMap<string, Person>,
  commentsBy: ReadonlyMap<string, number> = new Map(),
  suggestionsAcceptedBy: ReadonlyMap<string, number> = new Map(),
): ContributionReport {
  const blocks = authoredBlocks(doc.getXmlFragment('default'), index);
  const inDoc = new Map<string | null, number>();
  let totalWords = 0;
  for (const block of blocks) totalWords += wordsByAuthor(block, inDoc);

  const deletedOf = new Map<string | null, number>();
  const deletedBy = new Map<string, Map<string | null, number>>();
  for (const d of deletes) {
    if (d.restored) {
      deletedOf.set(d.authorId, (deletedOf.get(d.authorId) ?? 0) - d.words);
      continue;
    }
    if (d.carried || d.words === 0) continue;
    deletedOf.set(d.authorId, (deletedOf.get(d.authorId) ?? 0) + d.words);
    if (d.deletedBy) {
      const by = deletedBy.get(d.deletedBy) ?? new Map<string | null, number>();
      by.set(d.authorId, (by.get(d.authorId) ?? 0) + d.words);
      deletedBy.set(d.deletedBy, by);
    }
  }

  const nameOf = (id: string | null) =>
    id ? (people.get(id)?.name ?? 'A former member') : 'The template';
  const ids = new Set<string>();
  for (const id of [
    ...inDoc.keys(),
    ...deletedOf.keys(),
    ...deletedBy.keys(),
    ...commentsBy.keys(),
    ...suggestionsAcceptedBy.keys(),
  ]) {
    if (id) ids.add(id);
  }
  const figures: PersonFigures[] = [...ids].map((accountId) => {
    const person = people.get(accountId);
    const role = person?.role ?? 'other';
    const by = deletedBy.get(accountId) ?? new Map<string | null, number>();
    return {
      accountId,
      name: nameOf(accountId),
      role,
      roleLabel: participantRoleLabels[role],
      wordsInDocument: inDoc.get(accountId) ?? 0,
      wordsWritten: (inDoc.get(accountId) ?? 0) + Math.max(0, deletedOf.get(accountId) ?? 0),
      wordsDeleted: [...by.values()].reduce((a, b) => a + b, 0),
      commentsMade: commentsBy.get(accountId) ?? 0,
      suggestionsAccepted: suggestionsAcceptedBy.get(accountId) ?? 0,
      deletedFrom: [...by].map(([id, words]) => ({ accountId: id, name: nameOf(id), words })),
    };
  });
  figures.sort((a, b) => b.wordsInDocument - a.wordsInDocument || a.name.localeCompare(b.name));

  const roles = participantRoles
    .map((role) => {
      const members = figures.filter((f) => f.role === role);
      return {
        role,
        label: participantRoleLabels[role],
        people: members.length,
        wordsInDocument: members.reduce((n, f) => n + f.wordsInDocument, 0),
        wordsWritten: members.reduce((n, f) => n + f.wordsWritten, 0),
        wordsDeleted: members.reduce((n, f) => n + f.wordsDeleted, 0),
        commentsMade: members.reduce((n, f) => n + f.commentsMade, 0),
        suggestionsAccepted: members.reduce((n, f) => n + f.suggestionsAccepted, 0),
      };
    })
    .filter((r) => r.people > 0);

  const passages: ContributionReport['passages'] = [];
  blocks.forEach((block, blockIndex) => {
    for (const run of block.runs) {
      const person = run.authorId ? people.get(run.authorId) : undefined;
      if (person?.role !== 'patient' || !/[\p{L}\p{N}]/u.test(run.text)) continue;
      const last = passages[passages.length - 1];
      if (last && last.blockIndex === blockIndex && last.accountId === person.accountId) {
        last.text += run.text;
      } else {
        passages.push({
          text: run.text,
          accountId: person.accountId,
          name: person.name,
          blockIndex,
          clientId: run.clientId,
          clock: run.clock,
        });
      }
    }
  });
  for (const p of passages) p.text = p.text.trim();

  return {
    totalWords,
    templateWords: inDoc.get(null) ?? 0,
    people: figures,
    roles,
    passages,
    note: REPORT_NOTE,
  };
}

/** The report as CSV, for spreadsheets: people, then roles, then surviving patient passages. */
export function reportToCsv(report: ContributionReport): string {
  const rows: (string | number)[][] = [];
  const row = (...cells: (string | number)[]) => rows.push(cells);
  row('Note', report.note);
  row(
    'Section',
    'Name',
    'Participant role',
    'Words in document',
    'Words written in total',
    'Words deleted',
    'Comments made',
    'Suggestions accepted',
  );
  for (const p of report.people) {
    row(
      'Person',
      p.name,
      p.roleLabel,
      p.wordsInDocument,
      p.wordsWritten,
      p.wordsDeleted,
      p.commentsMade,
      p.suggestionsAccepted,
    );
  }
  for (const r of report.roles) {
    row(
      'Role',
      `${r.people} ${r.people === 1 ? 'person' : 'people'}`,
      r.label,
      r.wordsInDocument,
      r.wordsWritten,
      r.wordsDeleted,
      r.commentsMade,
      r.suggestionsAccepted,
    );
  }
  row(
    'Section',
    'Written by',
    'Passage by a patient or service user that is in the current version',
  );
  for (const p of report.passages) row('Passage', p.name, p.text);
  return toCsv(rows);
}
