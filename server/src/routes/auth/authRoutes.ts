import {
  colorForId,
  confirmEmailSchema,
  ErrorId,
  signInSchema,
  signUpSchema,
} from '@chorus/shared';
import { Hono } from 'hono';
import { clearSessionCookie, setSessionCookie } from '../../auth/cookie.ts';
import { burnPasswordCheck, hashPassword, verifyPassword } from '../../auth/password.ts';
import { AppError } from '../../errors.ts';
import { clientIp } from '../../http/clientIp.ts';
import type { AppEnv } from '../../http/env.ts';
import { parseJson, requireAuth } from '../../http/middleware.ts';
import { newId } from '../../ids.ts';
import { recordAudit } from '../../services/audit.ts';
import type { UserRecord } from '../../storage/types.ts';

/** The signed-in person as the API shows them to themselves. */
export const publicUser = (u: UserRecord) => ({
  id: u.id,
  name: u.name,
  email: u.email,
  color: colorForId(u.id),
  creditMode: u.creditMode,
  displayName: u.displayName,
  /** Whether the address is proven theirs: only a confirmed address is sent notifications. */
  emailConfirmed: u.emailConfirmedAt != null,
});

const SIGN_IN_FAILED = 'That email and password do not match an account. Check both and try again.';

export function throttled(ms: number): AppError {
  const minutes = Math.max(1, Math.ceil(ms / 60_000));
  return new AppError(
    ErrorId.tooManyRequests,
    `Too many failed sign-ins. Wait ${minutes} minute${minutes === 1 ? '' : 's'} and try again.`,
    undefined,
    { 'Retry-After': String(Math.ceil(ms / 1000)) },
  );
}

export function signUpThrottled(ms: number): AppError {
  const minutes = Math.max(1, Math.ceil(ms / 60_000));
  return new AppError(
    ErrorId.tooManyRequests,
    `Too many accounts were made from this network lately. Wait ${minutes} minute${minutes === 1 ? '' : 's'} and try again; if you already made an account, sign in instead.`,
    undefined,
    { 'Retry-After': String(Math.max(1, Math.ceil(ms / 1000))) },
  );
}

/** Sign up, sign in, sign out, "who am I", and confirming an email address with its link. */
export const authRoutes = new Hono<AppEnv>()
  .post('/signup', async (c) => {
    const { storage, sessions, config, signUpThrottle } = c.var.services;
    const input = await parseJson(c, signUpSchema);
    const ip = clientIp(c);
    // Each sign-up may email an address that is not the signer's: one client may not make
    // the server mail address after address.
    const wait = await signUpThrottle.retryAfter(ip);
    if (wait > 0) throw signUpThrottled(wait);
    if (await storage.users.findByEmail(input.email)) {
      const message = 'An account with this email already exists. Sign in instead.';
      throw new AppError(ErrorId.conflict, message, { email: message });
    }
    await signUpThrottle.recordFailure(ip);
    const user: UserRecord = {
      id: newId(),
      name: input.name,
      email: input.email,
      passwordHash: await hashPassword(input.password),
      createdAt: Date.now(),
      creditMode: 'full_name',
      displayName: null,
    };
    await storage.users.create(user);
    const { token, session } = await sessions.create(user.id);
    setSessionCookie(c, config, token, session.expiresAt);
    await recordAudit(storage, {
      actorId: user.id,
      action: 'auth.signin',
      details: { signUp: true },
      ip,
    });
    // Not awaited: the account is made whatever happens to the email (failures are logged).
    c.var.services.emailConfirmations.afterSignUp(user);
    return c.json({ user: publicUser(user) }, 201);
  })
  .post('/signin', async (c) => {
    const { storage, sessions, config, signInThrottle } = c.var.services;
    const input = await parseJson(c, signInSchema);
    const ip = clientIp(c);
    const wait = Math.max(
      await signInThrottle.byIp.retryAfter(ip),
      await signInThrottle.byAccount.retryAfter(input.email),
    );
    if (wait > 0) throw throttled(wait);

    const user = await storage.users.findByEmail(input.email);
    let ok = false;
    if (user) {
      ok = await verifyPassword(user.passwordHash, input.password);
      // The account may have been deleted while its password was being checked.
      if (ok) ok = !(await storage.users.findById(user.id))?.deletedAt;
    } else await burnPasswordCheck(input.password);
    if (!user || !ok) {
      await signInThrottle.byIp.recordFailure(ip);
      await signInThrottle.byAccount.recordFailure(input.email);
      await recordAudit(storage, {
        actorId: user?.id ?? null,
        action: 'auth.signin_failed',
        details: { email: input.email },
        ip,
      });
      throw new AppError(ErrorId.unauthenticated, SIGN_IN_FAILED);
    }
    await signInThrottle.byAccount.reset(input.email);
    // A new token on every sign-in: a token planted before sign-in is never promoted.
    const { token, session } = await sessions.create(user.id);
    setSessionCookie(c, config, token, session.expiresAt);
    await recordAudit(storage, { actorId: user.id, action: 'auth.signin', ip });
    return c.json({ user: publicUser(user) });
  })
  .post('/signout', async (c) => {
    const { sessions, config, storage } = c.var.services;
    const auth = c.var.auth;
    if (auth) {
      await sessions.end(auth.session.id);
      await recordAudit(storage, {
        actorId: auth.user.id,
        action: 'auth.signout',
        ip: clientIp(c),
      });
    }
    clearSessionCookie(c, config);
    return c.json({ ok: true });
  })
  // No session needed, and none made: the token proves the mailbox, not the account.
  .post('/confirm-email', async (c) => {
    const input = await parseJson(c, confirmEmailSchema);
    const { email, alreadyConfirmed } = await c.var.services.emailConfirmations.confirm(
      input.token,
      clientIp(c),
    );
    if (alreadyConfirmed) {
      return c.json({
        confirmed: true,
        email,
        alreadyConfirmed: true,
        message: 'Your email address is already confirmed.',
      });
    }
    return c.json({ confirmed: true, email });
  })
  .get('/me', (c) => {
    const auth = requireAuth(c);
    return c.json({ user: publicUser(auth.user) });
  });
