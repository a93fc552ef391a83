import type { Context } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import type { Config } from '../config.ts';

/** `__Host-` needs Secure, which browsers refuse on plain-http localhost; use a plain name there. */
export const sessionCookieName = (config: Config) =>
  config.secureCookies ? '__Host-chorus_session' : 'chorus_session';

export function setSessionCookie(c: Context, config: Config, token: string, expiresAt: number) {
  setCookie(c, sessionCookieName(config), token, {
    httpOnly: true,
    secure: config.secureCookies,
    sameSite: 'Lax',
    path: '/',
    expires: new Date(expiresAt),
  });
}

export function clearSessionCookie(c: Context, config: Config) {
  deleteCookie(c, sessionCookieName(config), {
    path: '/',
    secure: config.secureCookies,
    httpOnly: true,
    sameSite: 'Lax',
  });
}

export const readSessionCookie = (c: Context, config: Config) =>
  getCookie(c, sessionCookieName(config));

/** Reads one cookie from a raw `Cookie` header (the WebSocket upgrade has no Hono context). */
export function cookieFromHeader(header: string | undefined, name: string): string | null {
  if (!header) return null;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq === -1) continue;
    if (part.slice(0, eq).trim() === name) {
      try {
        return decodeURIComponent(part.slice(eq + 1).trim());
      } catch {
        return null;
      }
    }
  }
  return null;
}
