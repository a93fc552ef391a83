import { describe, expect, it } from 'vitest';
import { ConnectionCaps, TokenBucket, TrafficLimiter } from './limits.ts';

describe('token bucket', () => {
  it('allows a burst, then refills at the rate', () => {
    let t = 0;
    const b = new TokenBucket(10, 5, () => t);
    for (let i = 0; i < 5; i++) expect(b.take()).toBe(true);
    expect(b.take()).toBe(false);
    t += 100; // 0.1 s at 10/s: one token
    expect(b.take()).toBe(true);
    expect(b.take()).toBe(false);
  });
});

describe('traffic limiter', () => {
  it('limits one connection, and an account across its connections', () => {
    const limiter = new TrafficLimiter({
      messagesPerSecond: 10,
      bytesPerSecond: 1000,
      bytesBurst: 1000,
    });
    const a = limiter.open('ann');
    let allowed = 0;
    for (let i = 0; i < 100; i++) if (a.allow(1)) allowed++;
    expect(allowed).toBe(20); // the connection's burst
    const b = limiter.open('ann');
    let more = 0;
    for (let i = 0; i < 100; i++) if (b.allow(1)) more++;
    expect(more).toBe(20); // the account's burst (40) is now spent
    const c = limiter.open('ann');
    expect(c.allow(1)).toBe(false);
    expect(limiter.open('bob').allow(1)).toBe(true);
  });

  it('limits bytes as well as messages', () => {
    const limiter = new TrafficLimiter({
      messagesPerSecond: 1000,
      bytesPerSecond: 100,
      bytesBurst: 500,
    });
    const a = limiter.open('ann');
    expect(a.allow(400)).toBe(true);
    expect(a.allow(400)).toBe(false);
  });
});

describe('connection caps', () => {
  it('refuses past the cap and frees a place on release', () => {
    const caps = new ConnectionCaps(2);
    const r1 = caps.acquire('ann');
    const r2 = caps.acquire('ann');
    expect(r1 && r2).toBeTruthy();
    expect(caps.acquire('ann')).toBeNull();
    r1?.();
    r1?.(); // releasing twice frees one place only
    expect(caps.acquire('ann')).not.toBeNull();
    expect(caps.acquire('ann')).toBeNull();
  });
});
