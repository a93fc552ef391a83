import { describe, expect, it } from 'vitest';
import { buildTestApp } from '../../test/testApp.ts';
import { TEST_ORIGIN } from '../../test/testServer.ts';

/**
 * Sign-in throttling per IP address (SECURITY.md: "Throttle failed sign-ins per IP and per
 * account"). `clientIp` reads the peer address the way @hono/node-server's `getConnInfo`
 * does, from the request's `incoming` socket, so each request here says where it came from.
 */
async function signInFrom(
  t: ReturnType<typeof buildTestApp>,
  ip: string,
  email: string,
  password: string,
): Promise<Response> {
  return await t.app.request(
    '/api/auth/signin',
    {
      method: 'POST',
      headers: { origin: TEST_ORIGIN, 'content-type': 'application/json' },
      body: JSON.stringify({ email, password }),
    },
    { incoming: { socket: { remoteAddress: ip } } },
  );
}

interface ErrorBody {
  error: { id: string; message: string };
}

const ATTACKER = '203.0.113.7';
const NEIGHBOUR = '198.51.100.20';

describe('sign-in throttling per IP address', () => {
  it('refuses an address with 429 after many failures with different emails, and says why', async () => {
    // Per account: 2 failures. Per IP: four times that (8), for people sharing an address.
    const t = buildTestApp({ CHORUS_SIGNIN_MAX_FAILURES: '2' });
    const ipLimit = 2 * 4;
    const { email: realEmail } = await t.signUp();

    // Every email is new, so no account reaches its own limit: only the IP count can refuse.
    for (let i = 0; i < ipLimit; i++) {
      const res = await signInFrom(t, ATTACKER, `guess${i}@example.org`, 'wrong password');
      expect(res.status).toBe(401);
    }

    const refused = await signInFrom(t, ATTACKER, 'one-more@example.org', 'wrong password');
    expect(refused.status).toBe(429);
    const retryAfter = Number(refused.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(15 * 60);
    const body = (await refused.json()) as ErrorBody;
    expect(body.error.id).toBe('too_many_requests');
    expect(body.error.message).toBe('Too many failed sign-ins. Wait 15 minutes and try again.');

    // The address is refused even for the right password of an account that never failed:
    // the check comes before the password is looked at.
    const rightPassword = await signInFrom(t, ATTACKER, realEmail, 'correct horse battery');
    expect(rightPassword.status).toBe(429);
    expect(rightPassword.headers.get('set-cookie')).toBeNull();

    // Another address is not affected: the same account signs in, and a wrong guess is a 401.
    const elsewhere = await signInFrom(t, NEIGHBOUR, realEmail, 'correct horse battery');
    expect(elsewhere.status).toBe(200);
    expect(elsewhere.headers.get('set-cookie')).toMatch(/^chorus_session=/);
    const guessElsewhere = await signInFrom(t, NEIGHBOUR, 'guess0@example.org', 'wrong password');
    expect(guessElsewhere.status).toBe(401);
  });

  it('lets an address with fewer failures than its limit keep trying', async () => {
    const t = buildTestApp({ CHORUS_SIGNIN_MAX_FAILURES: '2' });
    const { email } = await t.signUp();
    for (let i = 0; i < 2 * 4 - 1; i++) {
      expect((await signInFrom(t, ATTACKER, `typo${i}@example.org`, 'wrong password')).status).toBe(
        401,
      );
    }
    expect((await signInFrom(t, ATTACKER, email, 'correct horse battery')).status).toBe(200);
  });

  it('counts each failure against the address it came from, not against everyone', async () => {
    const t = buildTestApp({ CHORUS_SIGNIN_MAX_FAILURES: '2' });
    await signInFrom(t, ATTACKER, 'nobody@example.org', 'wrong password');
    expect(await t.services.signInThrottle.byIp.retryAfter(ATTACKER)).toBe(0);
    for (let i = 1; i < 2 * 4; i++) {
      await signInFrom(t, ATTACKER, `nobody${i}@example.org`, 'wrong password');
    }
    expect(await t.services.signInThrottle.byIp.retryAfter(ATTACKER)).toBeGreaterThan(0);
    expect(await t.services.signInThrottle.byIp.retryAfter(NEIGHBOUR)).toBe(0);
    expect(await t.services.signInThrottle.byIp.retryAfter('unknown')).toBe(0);
  });
});
