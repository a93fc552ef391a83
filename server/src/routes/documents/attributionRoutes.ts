import { Hono } from 'hono';
import { computeReport, reportToCsv } from '../../attribution/report.ts';
import { authorizeDocument } from '../../http/authorize.ts';
import { clientIp } from '../../http/clientIp.ts';
import type { AppEnv } from '../../http/env.ts';
import { recordAudit } from '../../services/audit.ts';
import { commentCounts } from '../../services/comments.ts';
import { liveDocuments } from '../../services/index.ts';
import { peopleOf } from '../../services/people.ts';
import { acceptedSuggestions } from '../../services/suggestions.ts';

/** Who wrote what: the data behind the author view, and the contribution report. */
export const attributionRoutes = new Hono<AppEnv>()
  .get('/:id/authorship', async (c) => {
    const { document } = await authorizeDocument(c, 'document.view');
    const { storage } = c.var.services;
    const ledger = await storage.journal.loadLedger(document.id);
    const { index } = await liveDocuments(c.var.services.live).committedDocument(document.id);
    const people = await peopleOf(
      storage,
      document.workspaceId,
      ledger.owners.values(),
      await storage.journal.authorRoles(document.id),
    );
    return c.json({
      people: Object.fromEntries(people),
      owners: [...ledger.owners],
      carried: index.carriedRanges(),
      days: index.dayBreaks(),
    });
  })
  .get('/:id/report', async (c) => {
    const { document } = await authorizeDocument(c, 'document.view');
    const report = await buildReport(c.var.services, document.id, document.workspaceId);
    return c.json({ report });
  })
  .get('/:id/report.csv', async (c) => {
    const { document, user } = await authorizeDocument(c, 'document.view');
    const { storage } = c.var.services;
    const report = await buildReport(c.var.services, document.id, document.workspaceId);
    await recordAudit(storage, {
      actorId: user.id,
      workspaceId: document.workspaceId,
      action: 'document.exported',
      target: document.id,
      details: { format: 'csv', what: 'contribution report' },
      ip: clientIp(c),
    });
    const filename = `${document.title.replace(/[^\p{L}\p{N} _-]+/gu, '').slice(0, 60) || 'document'} - contributions.csv`;
    return c.body(reportToCsv(report), 200, {
      'Content-Type': 'text/csv; charset=utf-8',
      'Content-Disposition': `attachment; filename*=UTF-8''${encodeURIComponent(filename)}`,
    });
  });

async function buildReport(
  services: AppEnv['Variables']['services'],
  documentId: string,
  workspaceId: string,
) {
  const { storage } = services;
  const { doc, index } = await liveDocuments(services.live).committedDocument(documentId);
  const ledger = await storage.journal.loadLedger(documentId);
  const comments = await commentCounts(storage, documentId);
  const accepted = await acceptedSuggestions({ storage, documentId });
  // Someone who has left is credited in the role they wrote in, or else commented in.
  const formerRoles = new Map([
    ...comments.roles,
    ...(await storage.journal.authorRoles(documentId)),
  ]);
  const people = await peopleOf(
    storage,
    workspaceId,
    [
      ...comments.counts.keys(),
      ...accepted.keys(),
      ...ledger.owners.values(),
      ...ledger.deletes.map((d) => d.deletedBy),
      ...ledger.carried.map((d) => d.authorId),
    ],
    formerRoles,
  );
  const report = computeReport(doc, index, ledger.deletes, people, comments.counts, accepted);
  doc.destroy();
  return report;
}
