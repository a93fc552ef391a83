import { approveSchema, moveStatusSchema, setLeadSchema } from '@chorus/shared';
import type { Context } from 'hono';
import { Hono } from 'hono';
import { authorizeDocument } from '../../http/authorize.ts';
import type { AppEnv } from '../../http/env.ts';
import { parseJson } from '../../http/middleware.ts';
import * as lifecycle from '../../services/lifecycle.ts';

type StatusAction = 'document.view' | 'document.edit' | 'document.manageAccess';

async function statusWhere(c: Context<AppEnv>, action: StatusAction) {
  const access = await authorizeDocument(c, action);
  const { storage, live, accessEvents } = c.var.services;
  return { ...access, where: { storage, live, accessEvents, document: access.document } };
}

/**
 * Where a service design or improvement plan stands (`domain/lifecycle.ts`). Everyone who
 * reads the document sees it; editors move it on, owners also back and name the leads;
 * only the named lead approves, whatever their permission on the text. Each change is
 * audited and announced to everyone with the document open.
 */
export const lifecycleRoutes = new Hono<AppEnv>()
  .get('/:id/status', async (c) => {
    const { where } = await statusWhere(c, 'document.view');
    return c.json(await lifecycle.view(where));
  })
  .put('/:id/status', async (c) => {
    const { where, user, permission } = await statusWhere(c, 'document.edit');
    const input = await parseJson(c, moveStatusSchema);
    await lifecycle.move(where, { userId: user.id, isOwner: permission === 'owner' }, input);
    return c.json(await lifecycle.view(where));
  })
  .put('/:id/status/leads', async (c) => {
    const { where, user } = await statusWhere(c, 'document.manageAccess');
    const input = await parseJson(c, setLeadSchema);
    await lifecycle.setLead(where, user.id, input);
    return c.json(await lifecycle.view(where));
  })
  .post('/:id/status/approvals', async (c) => {
    const { where, user } = await statusWhere(c, 'document.view');
    const input = await parseJson(c, approveSchema);
    await lifecycle.approve(where, user.id, input);
    return c.json(await lifecycle.view(where));
  });
