import type { AddressInfo } from 'node:net';
import { afterEach, expect, it } from 'vitest';
import WebSocket, { WebSocketServer } from 'ws';
import { connectDocument, type DocumentConnection } from './connectDocument.ts';

let server: WebSocketServer | null = null;
const connections: DocumentConnection[] = [];

afterEach(async () => {
  for (const c of connections.splice(0)) c.destroy();
  await new Promise<void>((r) => (server ? server.close(() => r()) : r()));
});

it('clients dropped together reconnect with growing, jittered delays', async () => {
  // A server that keeps failing: every connection is closed at once as "try again later".
  const attempts = new Map<string, number[]>();
  server = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  await new Promise((r) => server?.once('listening', r));
  server.on('connection', (ws, req) => {
    const room = req.url ?? '';
    attempts.set(room, [...(attempts.get(room) ?? []), performance.now()]);
    ws.close(1013, 'try again later');
  });
  const port = (server.address() as AddressInfo).port;
  for (let i = 0; i < 8; i++) {
    connections.push(
      connectDocument(`doc-${i}`, {
        serverUrl: `ws://127.0.0.1:${port}/sync`,
        WebSocketImpl: WebSocket as unknown as typeof globalThis.WebSocket,
      }),
    );
  }
  // Four attempts each: delays in [125, 250], [250, 500] and [500, 1000] ms.
  const deadline = Date.now() + 5000;
  while ([...attempts.values()].filter((a) => a.length >= 4).length < 8) {
    if (Date.now() > deadline)
      throw new Error(`too few attempts: ${JSON.stringify([...attempts])}`);
    await new Promise((r) => setTimeout(r, 20));
  }
  const gaps = [...attempts.values()].map((a) =>
    [1, 2, 3].map((k) => (a[k] ?? 0) - (a[k - 1] ?? 0)),
  );
  // Timers fire late on a busy machine, never early: each gap is at least its range's
  // lower end, and at most its upper end plus some lateness.
  const LATE = 150;
  for (const [first, second, third] of gaps) {
    expect(first).toBeGreaterThanOrEqual(120);
    expect(first).toBeLessThan(250 + LATE);
    expect(second).toBeGreaterThanOrEqual(245);
    expect(second).toBeLessThan(500 + LATE);
    expect(third).toBeGreaterThanOrEqual(495);
    expect(third).toBeLessThan(1000 + LATE);
  }
  // Without jitter all eight would retry within a few milliseconds of each other.
  const firstRetries = gaps.map((g) => g[0] ?? 0);
  expect(Math.max(...firstRetries) - Math.min(...firstRetries)).toBeGreaterThan(20);
});
