import { z } from 'zod';
import { api } from '../../api/http.ts';

const reportSchema = z.object({
  totalWords: z.number(),
  templateWords: z.number(),
  people: z.array(
    z.object({
      accountId: z.string(),
      name: z.string(),
      role: z.string(),
      roleLabel: z.string(),
      wordsInDocument: z.number(),
      wordsWritten: z.number(),
      wordsDeleted: z.number(),
      commentsMade: z.number(),
      suggestionsAccepted: z.number(),
      deletedFrom: z.array(
        z.object({ accountId: z.string().nullable(), name: z.string(), words: z.number() }),
      ),
    }),
  ),
  roles: z.array(
    z.object({
      role: z.string(),
      label: z.string(),
      people: z.number(),
      wordsInDocument: z.number(),
      wordsWritten: z.number(),
      wordsDeleted: z.number(),
      commentsMade: z.number(),
      suggestionsAccepted: z.number(),
    }),
  ),
  passages: z.array(
    z.object({
      text: z.string(),
      accountId: z.string(),
      name: z.string(),
      blockIndex: z.number(),
      clientId: z.number(),
      clock: z.number(),
    }),
  ),
  note: z.string(),
});
export type ContributionReport = z.infer<typeof reportSchema>;
export type PersonFigures = ContributionReport['people'][number];

const documentPath = (id: string) => `/documents/${encodeURIComponent(id)}`;

export async function getReport(documentId: string): Promise<ContributionReport> {
  return (
    await api(
      'GET',
      `${documentPath(documentId)}/report`,
      undefined,
      z.object({ report: reportSchema }),
    )
  ).report;
}

/** The CSV download: a plain link, so the browser saves it with the server's file name. */
export function reportCsvHref(documentId: string): string {
  return `/api${documentPath(documentId)}/report.csv`;
}
