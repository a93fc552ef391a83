import { monitorEventLoopDelay } from 'node:perf_hooks';
import * as encoding from 'lib0/encoding';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { buildDocument, buildUser, type TestUser } from '../../test/factories.ts';
import { appendParagraph, connectClient, eventually, waitSynced } from '../../test/syncClient.ts';
import { startTestServer, TEST_ORIGIN, type TestServer } from '../../test/testServer.ts';
import { encodeUpdate } from '../protocol.ts';

function writeAll(e: encoding.Encoder, numbers: number[]): void {
  for (const n of numbers) encoding.writeVarUint(e, n);
}

/** Hostile updates of the classes that hang or crash stock servers (SECURITY.md). */
function hostileFrames(): Uint8Array[] {
  const frames: Uint8Array[] = [];
  const handmade = (write: (e: encoding.Encoder) => void) => {
    const e = encoding.createEncoder();
    write(e);
    return encodeUpdate(encoding.toUint8Array(e));
  };
  // Struct count far larger than the frame could hold.
  frames.push(handmade((e) => writeAll(e, [1, 0xffffffff, 7, 0])));
  // Clock at 2^53.
  frames.push(
    handmade((e) => {
      writeAll(e, [1, 1, 7, 0]);
      encoding.writeUint8(e, 0);
      encoding.writeVarUint(e, 2 ** 53);
      encoding.writeVarUint(e, 0);
    }),
  );
  // Deeply nested JSON in content.
  frames.push(
    handmade((e) => {
      writeAll(e, [1, 1, 8, 0]);
      encoding.writeUint8(e, 5);
      encoding.writeVarUint(e, 1);
      encoding.writeVarString(e, 'default');
      encoding.writeVarString(e, `${'['.repeat(100_000)}${']'.repeat(100_000)}`);
      encoding.writeVarUint(e, 0);
    }),
  );
  // A sub-document.
  frames.push(
    handmade((e) => {
      writeAll(e, [1, 1, 9, 0]);
      encoding.writeUint8(e, 9);
      encoding.writeVarUint(e, 1);
      encoding.writeVarString(e, 'default');
      encoding.writeVarString(e, 'sub');
      encoding.writeUint8(e, 126);
      encoding.writeVarUint(e, 0);
    }),
  );
  // Delete-set client count beyond the frame.
  frames.push(handmade((e) => writeAll(e, [0, 0xfffffff])));
  // yjs/yjs#479: arbitrary bytes looped forever in lib0's readVarUint.
  frames.push(encodeUpdate(new Uint8Array(Buffer.from('garbagedoc', 'base64'))));
  // yjs/yjs#498: an empty update looped forever too.
  frames.push(encodeUpdate(new Uint8Array()));
  return frames;
}

describe('hostile updates', () => {
  let server: TestServer;
  let attacker: TestUser;
  let honest: TestUser;
  let attacked: string;
  let canaryDoc: string;

  beforeAll(async () => {
    server = await startTestServer({ CHORUS_MAX_CONNECTIONS_PER_ACCOUNT: '1000' });
    attacker = await buildUser(server.url, 'Mallory');
    honest = await buildUser(server.url, 'Hannah');
    ({ documentId: attacked } = await buildDocument(server.url, honest, [attacker]));
    ({ documentId: canaryDoc } = await buildDocument(server.url, honest));
  });
  afterAll(() => server.stop());

  it('are refused while other documents keep being served; canary round trips are measured', async () => {
    const a = connectClient(server.url, canaryDoc, honest.cookie, { chorus: true });
    await waitSynced(a);
    // The test server runs in this process, so its event loop is this one.
    const loopDelay = monitorEventLoopDelay({ resolution: 5 });
    loopDelay.enable();
    const frames = hostileFrames();
    let refused = 0;
    const refusedClasses = new Set<number>();
    let attacking = true;
    const attack = (async () => {
      const end = Date.now() + 2000;
      for (let i = 0; attacking && Date.now() < end && i < 200; i++) {
        const frame = frames[i % frames.length] ?? new Uint8Array();
        const code = await new Promise<number>((resolve) => {
          const ws = new WebSocket(`${server.url.replace('http', 'ws')}/sync/${attacked}`, {
            headers: { cookie: attacker.cookie, origin: TEST_ORIGIN },
          });
          ws.on('message', () => ws.send(frame));
          ws.on('close', (c) => resolve(c));
          ws.on('error', () => {});
        });
        if (code === 4400) {
          refused++;
          refusedClasses.add(i % frames.length);
        }
      }
    })();
    const latencies: number[] = [];
    for (let i = 0; i < 40; i++) {
      const t0 = performance.now();
      appendParagraph(a.doc, `canary ${i}`);
      await eventually(() => expect(a.saved()).toBe(a.sent()), 10_000, 1);
      latencies.push(performance.now() - t0);
    }
    attacking = false;
    await attack;
    loopDelay.disable();
    latencies.sort((x, y) => x - y);
    const p = (q: number) =>
      latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))]?.toFixed(1);
    const ms = (ns: number) => (ns / 1e6).toFixed(1);
    console.log(
      `dos: hostile frames refused=${refused}; canary save round trip p50=${p(0.5)} ms p99=${p(0.99)} ms max=${p(1)} ms; event-loop delay p50=${ms(loopDelay.percentile(50))} ms p99=${ms(loopDelay.percentile(99))} ms max=${ms(loopDelay.max)} ms`,
    );
    // Every class of hostile update was refused, not just some.
    expect(refusedClasses.size).toBe(frames.length);
    expect(latencies).toHaveLength(40);
    // "Served promptly", with room for a busy machine (typical: tens of ms). An update that
    // kept Yjs busy for seconds, as these frames do on a stock server, would block the
    // event loop, which is also what serves the canary, well past these bounds.
    expect(loopDelay.max / 1e6).toBeLessThan(1000);
    expect(latencies.at(-1)).toBeLessThan(2000);
    // The attacked document is still loadable and intact for its honest member.
    const h = connectClient(server.url, attacked, honest.cookie);
    await waitSynced(h);
    expect(h.text()).toContain('About this service');
    h.destroy();
    a.destroy();
  }, 60_000);
});
