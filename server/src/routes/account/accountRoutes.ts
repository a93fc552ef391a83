import {
  changePasswordSchema,
  deleteAccountSchema,
  ErrorId,
  updateProfileSchema,
} from '@chorus/shared';
import { type Context, Hono } from 'hono';
import { clearSessionCookie } from '../../auth/cookie.ts';
import { hashPassword, verifyPassword } from '../../auth/password.ts';
import { AppError } from '../../errors.ts';
import { clientIp } from '../../http/clientIp.ts';
import type { AppEnv } from '../../http/env.ts';
import { parseJson, requireAuth } from '../../http/middleware.ts';
import { deleteAccount, planAccountDeletion } from '../../services/accountDeletion.ts';
import { recordAudit } from '../../services/audit.ts';
import type { UserRecord } from '../../storage/types.ts';
import { publicUser, throttled } from '../auth/authRoutes.ts';

/**
 * Checks a password typed to confirm an action, throttled as sign-ins are (per account and
 * per IP): a stolen session cookie must not become a way to guess the password freely.
 */
async function confirmPassword(
  c: Context<AppEnv>,
  user: UserRecord,
  password: string,
): Promise<boolean> {
  const { signInThrottle } = c.var.services;
  const ip = clientIp(c);
  const wait = Math.max(
    await signInThrottle.byIp.retryAfter(ip),
    await signInThrottle.byAccount.retryAfter(user.email),
  );
  if (wait > 0) throw throttled(wait);
  if (await verifyPassword(user.passwordHash, password)) {
    await signInThrottle.byAccount.reset(user.email);
    return true;
  }
  await signInThrottle.byIp.recordFailure(ip);
  await signInThrottle.byAccount.recordFailure(user.email);
  return false;
}

/** A person's own account: profile and credit choice, password, sessions, deletion. */
export const accountRoutes = new Hono<AppEnv>()
  .patch('/profile', async (c) => {
    const { user } = requireAuth(c);
    const { storage, accessEvents } = c.var.services;
    const input = await parseJson(c, updateProfileSchema);
    const changes = {
      ...(input.name !== undefined ? { name: input.name } : {}),
      ...(input.creditMode !== undefined ? { creditMode: input.creditMode } : {}),
      ...(input.displayName !== undefined ? { displayName: input.displayName || null } : {}),
    };
    await storage.users.update(user.id, changes);
    const updated = await storage.users.findById(user.id);
    if (!updated) throw new AppError(ErrorId.unauthenticated, 'Your account no longer exists.');
    // The credited name travels in presence: reconnect open documents so others see it.
    for (const w of await storage.workspaces.listForUser(user.id)) {
      accessEvents.changed({ workspaceId: w.id, userId: user.id });
    }
    return c.json({ user: publicUser(updated) });
  })
  .post('/password', async (c) => {
    const { user, session } = requireAuth(c);
    const { storage, sessions } = c.var.services;
    const input = await parseJson(c, changePasswordSchema);
    if (!(await confirmPassword(c, user, input.currentPassword))) {
      const message = 'Your current password is not right. Check it and try again.';
      throw new AppError(ErrorId.badRequest, message, { currentPassword: message });
    }
    await storage.users.update(user.id, { passwordHash: await hashPassword(input.newPassword) });
    await sessions.endOthers(user.id, session.id);
    await recordAudit(storage, {
      actorId: user.id,
      action: 'auth.password_changed',
      ip: clientIp(c),
    });
    return c.json({ ok: true });
  })
  .get('/deletion', async (c) => {
    const { user } = requireAuth(c);
    return c.json(await planAccountDeletion(c.var.services.storage, user.id));
  })
  .post('/delete', async (c) => {
    const { user } = requireAuth(c);
    const { storage, sessions, accessEvents, config, live } = c.var.services;
    const input = await parseJson(c, deleteAccountSchema);
    if (!(await confirmPassword(c, user, input.password))) {
      const message = 'That password is not right. Check it and try again.';
      throw new AppError(ErrorId.badRequest, message, { password: message });
    }
    const { deleted, plan } = await deleteAccount(
      { storage, sessions, accessEvents, live },
      user.id,
      clientIp(c),
    );
    if (!deleted) {
      const names = plan.blockedBy.map((w) => `“${w.name}”`).join(', ');
      throw new AppError(
        ErrorId.conflict,
        `You are the only owner of ${names}. Make another member an owner there first, so the workspace is not left without one.`,
      );
    }
    clearSessionCookie(c, config);
    return c.json({ ok: true });
  })
  .get('/sessions', async (c) => {
    const { user, session } = requireAuth(c);
    const list = await c.var.services.storage.sessions.listForUser(user.id);
    return c.json({
      sessions: list.map((s) => ({
        id: s.id,
        current: s.id === session.id,
        createdAt: new Date(s.createdAt).toISOString(),
        lastUsedAt: new Date(s.lastUsedAt).toISOString(),
        expiresAt: new Date(s.expiresAt).toISOString(),
      })),
    });
  })
  .delete('/sessions/:sessionId', async (c) => {
    const { user } = requireAuth(c);
    const { storage, sessions } = c.var.services;
    const target = c.req.param('sessionId');
    const mine = (await storage.sessions.listForUser(user.id)).some((s) => s.id === target);
    if (!mine)
      throw new AppError(ErrorId.notFound, 'That session does not exist or has already ended.');
    await sessions.end(target);
    await recordAudit(storage, {
      actorId: user.id,
      action: 'auth.session_ended',
      target,
      ip: clientIp(c),
    });
    return c.json({ ok: true });
  });
