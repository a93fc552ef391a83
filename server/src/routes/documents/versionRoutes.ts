import { createVersionSchema, ErrorId } from '@chorus/shared';
import { Hono } from 'hono';
import * as Y from 'yjs';
import { AppError } from '../../errors.ts';
import { authorizeDocument } from '../../http/authorize.ts';
import type { AppEnv } from '../../http/env.ts';
import { parseJson } from '../../http/middleware.ts';
import { liveDocuments } from '../../services/index.ts';
import { refuseIfTextLocked } from '../../services/lifecycle.ts';
import { peopleOf } from '../../services/people.ts';
import { compareVersions, restoreUpdate, saveVersion } from '../../services/versions.ts';
import type { VersionRecord } from '../../storage/types.ts';

const toVersionJson = (v: Omit<VersionRecord, 'state'>, names: Map<string, string>) => ({
  id: v.id,
  kind: v.kind,
  label: v.label,
  createdBy: v.createdBy,
  createdByName: v.createdBy ? (names.get(v.createdBy) ?? 'A former member') : null,
  createdAt: new Date(v.createdAt).toISOString(),
});

const noSuchVersion = () =>
  new AppError(
    ErrorId.notFound,
    'That version does not exist. Choose one from the list of versions.',
  );

/** Named and automatic versions: list, save, compare, restore. Viewing never edits. */
export const versionRoutes = new Hono<AppEnv>()
  .get('/:id/versions', async (c) => {
    const { document } = await authorizeDocument(c, 'document.view');
    const { storage } = c.var.services;
    const list = await storage.versions.list(document.id);
    const people = await peopleOf(
      storage,
      document.workspaceId,
      list.map((v) => v.createdBy),
    );
    const names = new Map([...people].map(([id, p]) => [id, p.name]));
    return c.json({ versions: list.map((v) => toVersionJson(v, names)) });
  })
  .post('/:id/versions', async (c) => {
    const { document, user } = await authorizeDocument(c, 'document.edit');
    const input = await parseJson(c, createVersionSchema);
    const { storage } = c.var.services;
    const { doc } = await liveDocuments(c.var.services.live).committedDocument(document.id);
    const version = await saveVersion(
      storage,
      document.id,
      Y.encodeStateAsUpdate(doc),
      'named',
      input.label,
      user.id,
    );
    doc.destroy();
    const people = await peopleOf(storage, document.workspaceId);
    return c.json(
      { version: toVersionJson(version, new Map([...people].map(([id, p]) => [id, p.name]))) },
      201,
    );
  })
  .get('/:id/versions/:from/compare/:to', async (c) => {
    const { document } = await authorizeDocument(c, 'document.view');
    const { storage } = c.var.services;
    const live = liveDocuments(c.var.services.live);
    const current = await live.committedDocument(document.id);
    const load = async (id: string) => {
      if (id === 'current') return current.doc;
      const v = await storage.versions.get(document.id, id);
      if (!v) throw noSuchVersion();
      const doc = new Y.Doc();
      Y.applyUpdate(doc, v.state);
      return doc;
    };
    const blocks = compareVersions(
      await load(c.req.param('from')),
      await load(c.req.param('to')),
      current.index,
    );
    const people = await peopleOf(
      storage,
      document.workspaceId,
      blocks.flatMap((b) => b.segments.map((s) => s.authorId)),
      await storage.journal.authorRoles(document.id),
    );
    return c.json({ blocks, people: Object.fromEntries(people) });
  })
  .post('/:id/versions/:versionId/restore', async (c) => {
    const { document, user, membership } = await authorizeDocument(c, 'document.edit');
    const { storage } = c.var.services;
    const version = await storage.versions.get(document.id, c.req.param('versionId'));
    if (!version) throw noSuchVersion();
    // Before the backup: a refused restore leaves nothing behind.
    await refuseIfTextLocked(storage, document.id);
    const live = liveDocuments(c.var.services.live);
    const current = await live.committedDocument(document.id);
    // A backup first, so the restore itself can be undone by restoring the backup.
    const when = new Date(version.createdAt).toISOString().slice(0, 16).replace('T', ' ');
    const backup = await saveVersion(
      storage,
      document.id,
      Y.encodeStateAsUpdate(current.doc),
      'backup',
      `Before restoring “${version.label ?? `version of ${when}`}”`,
      user.id,
    );
    const versionDoc = new Y.Doc();
    Y.applyUpdate(versionDoc, version.state);
    const { build, sources } = restoreUpdate(versionDoc, current.index);
    try {
      await live.applyServerEdit(
        document.id,
        { accountId: user.id, participantRole: membership.participantRole },
        build,
        sources,
      );
    } catch (error) {
      // Refused because the document was closed meanwhile (409, see `LiveDocuments`):
      // nothing was stored, so a version saying "Before restoring …" would describe a
      // restore that never happened. After any other failure the restore may have been
      // stored, and its backup is the way to undo it.
      if (error instanceof AppError && error.id === ErrorId.conflict) {
        // The refusal is what the person needs to hear; a backup left behind is only logged.
        await storage.versions.remove(document.id, backup.id).catch((err: unknown) =>
          c.var.services.logger.log('error', 'versions.backup_not_removed', {
            documentId: document.id,
            versionId: backup.id,
            error: String(err),
          }),
        );
      }
      throw error;
    }
    return c.json({ restored: version.id, backup: backup.id });
  });
