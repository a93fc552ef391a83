import { auditQuerySchema } from '@chorus/shared';
import { Hono } from 'hono';
import { validationError } from '../../errors.ts';
import { authorizeWorkspace } from '../../http/authorize.ts';
import type { AppEnv } from '../../http/env.ts';

/** The workspace's audit log, newest first, for owners; filter by action and person. */
export const auditRoutes = new Hono<AppEnv>().get('/:id/audit', async (c) => {
  const { workspaceId } = await authorizeWorkspace(c, 'workspace.viewAudit');
  const parsed = auditQuerySchema.safeParse(c.req.query());
  if (!parsed.success) throw validationError(parsed.error);
  const { storage } = c.var.services;
  const rows = await storage.audit.query(workspaceId, parsed.data);
  const names = new Map<string, string>();
  for (const m of await storage.workspaces.listMembers(workspaceId)) names.set(m.userId, m.name);
  for (const r of rows) {
    for (const id of [r.actorId, r.target]) {
      if (id && !names.has(id)) {
        const u = await storage.users.findById(id);
        if (u) names.set(id, u.name);
      }
    }
  }
  return c.json({
    entries: rows.map((r) => ({
      id: r.id,
      at: new Date(r.at).toISOString(),
      actorId: r.actorId,
      actorName: r.actorId ? (names.get(r.actorId) ?? null) : null,
      action: r.action,
      target: r.target,
      targetName: r.target ? (names.get(r.target) ?? null) : null,
      details: r.details,
    })),
  });
});
