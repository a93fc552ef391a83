import { documentKindLabels, exportQuerySchema } from '@chorus/shared';
import { Hono } from 'hono';
import { validationError } from '../../errors.ts';
import { type AuthorKey, outlineToDocx } from '../../export/docx.ts';
import { documentOutline } from '../../export/outline.ts';
import { authorizeDocument } from '../../http/authorize.ts';
import { clientIp } from '../../http/clientIp.ts';
import type { AppEnv } from '../../http/env.ts';
import { recordAudit } from '../../services/audit.ts';
import { listThreads } from '../../services/comments.ts';
import { liveDocuments } from '../../services/index.ts';
import { peopleOf } from '../../services/people.ts';

const when = new Intl.DateTimeFormat('en-GB', {
  dateStyle: 'long',
  timeStyle: 'short',
  timeZone: 'UTC',
});

/**
 * A document as a Word file, for sharing beyond the group: its text and structured blocks
 * as they are saved now, without quotes people did not agree to and with participants
 * named only as they chose (see `export/outline.ts`). With `authors=shown`, each person's
 * words are marked as in the author view, with a key naming them as they chose to be
 * credited. Anyone who may read the document may export it (they may see the author view
 * and the comments too); every export is in the audit log.
 */
export const exportRoutes = new Hono<AppEnv>().get('/:id/export.docx', async (c) => {
  const { document, user } = await authorizeDocument(c, 'document.view');
  const query = exportQuerySchema.safeParse(c.req.query());
  if (!query.success) throw validationError(query.error);
  const { comments, authors } = query.data;
  const { storage } = c.var.services;
  // Everyone who may read a document reads its comments, so they may export them too.
  const exported =
    comments === 'none'
      ? null
      : {
          which: comments,
          threads: await listThreads({
            storage,
            live: null,
            people: null,
            documentId: document.id,
            workspaceId: document.workspaceId,
          }),
        };
  const { doc, index } = await liveDocuments(c.var.services.live).committedDocument(document.id);
  let file: Buffer;
  try {
    const outline = documentOutline(
      doc,
      exported,
      authors === 'shown' ? (client, clock) => index.authorOf(client, clock) ?? null : null,
    );
    const keys = outline.authorship
      ? await authorKeys(c.var.services.storage, document, outline.authorship)
      : null;
    file = await outlineToDocx(
      document.title,
      `${documentKindLabels[document.kind]}, exported from Chorus on ${when.format(new Date())} (UTC). Quotes and stories whose speakers have not agreed to be quoted are left out, and participants are named only as they chose.`,
      outline,
      keys,
    );
  } finally {
    doc.destroy();
  }
  await recordAudit(storage, {
    actorId: user.id,
    workspaceId: document.workspaceId,
    action: 'document.exported',
    target: document.id,
    details: { format: 'docx', what: 'document', comments, authors },
    ip: clientIp(c),
  });
  const filename = `${document.title.replace(/[^\p{L}\p{N} _-]+/gu, '').slice(0, 60) || 'document'}.docx`;
  return c.body(new Uint8Array(file), 200, {
    'Content-Type': 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
    'Content-Disposition': `attachment; filename*=UTF-8''${encodeURIComponent(filename)}`,
  });
});

/**
 * The key's people: each author credited as they chose in their current role (a former
 * member in the role they wrote in), with their colour, in order of first appearance.
 */
async function authorKeys(
  storage: AppEnv['Variables']['services']['storage'],
  document: { id: string; workspaceId: string },
  shares: readonly { author: string | null; characters: number }[],
): Promise<AuthorKey[]> {
  const credited = shares.flatMap((s) => (s.author === null ? [] : [{ ...s, author: s.author }]));
  const people = await peopleOf(
    storage,
    document.workspaceId,
    credited.map((s) => s.author),
    await storage.journal.authorRoles(document.id),
  );
  return credited.map(({ author, characters }) => {
    const person = people.get(author);
    return {
      author,
      name: person?.name ?? 'A former member',
      roleLabel: person?.roleLabel ?? 'Other',
      color: person?.color ?? '#4b5563',
      characters,
    };
  });
}
