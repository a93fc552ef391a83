import { CloseCode } from '@chorus/shared';
import { describe, expect, it } from 'vitest';
import { FakeConnection } from '../test/fakeConnection.ts';
import { editorIdentity } from '../test/syncHarness.ts';
import { Peer } from './peer.ts';
import { SendBudget } from './sendBudget.ts';

const MiB = 1024 * 1024;

/** A connection whose queue holds `bytes`, as if a send had just left them queued. */
function queued(budget: SendBudget, bytes: number, name: string): Peer {
  const conn = new FakeConnection();
  const peer = new Peer(conn, editorIdentity(name), 64 * MiB, budget);
  conn.bufferedAmount = bytes;
  budget.noteSent(peer);
  return peer;
}

describe('the whole-server cap on queued bytes', () => {
  it('cuts off the largest queues until the total is back under the cap', () => {
    const budget = new SendBudget(32 * MiB);
    const peers = [12, 11, 10, 9, 8, 7].map((m) => queued(budget, m * MiB, `u-${m}`));
    expect(budget.total).toBe(57 * MiB);
    const cut = budget.enforce();
    // 57 - 12 - 11 = 34 is still over; without the 10 MiB one it is 24.
    expect(cut.map((p) => p.identity.userId)).toEqual(['u-12', 'u-11', 'u-10']);
    for (const p of cut) {
      expect(p.closed).toBe(true);
      expect((p.conn as FakeConnection).terminated).toBe(true);
    }
    expect(peers.filter((p) => !p.closed)).toHaveLength(3);
    expect(budget.total).toBe(24 * MiB);
    expect(budget.enforce()).toEqual([]);
  });

  it('leaves ordinary traffic alone and forgets connections that drained', () => {
    const budget = new SendBudget(MiB);
    const small = queued(budget, 10 * 1024, 'u-small');
    const busy = queued(budget, 900 * 1024, 'u-busy');
    expect(budget.total).toBe(900 * 1024); // the small one is not even watched
    (busy.conn as FakeConnection).bufferedAmount = 0;
    expect(budget.enforce()).toEqual([]);
    expect(budget.total).toBe(0);
    expect(small.closed || busy.closed).toBe(false);
  });

  it('still counts a connection closed for its own limit until its socket is gone', () => {
    const budget = new SendBudget(4 * MiB);
    const closedOne = queued(budget, 3 * MiB, 'u-closed');
    closedOne.close(CloseCode.slowReader, 'send buffer over limit');
    const open = queued(budget, 2 * MiB, 'u-open');
    // The close frame waits behind its 3 MiB; together they are over the cap.
    expect(budget.enforce()).toEqual([closedOne]);
    expect((closedOne.conn as FakeConnection).terminated).toBe(true);
    expect(open.closed).toBe(false);
    budget.forget(open);
    expect(budget.total).toBe(0);
  });

  it('is consulted on every send: a peer that queues past the mark is watched', () => {
    const budget = new SendBudget(MiB);
    const conn = new FakeConnection();
    const peer = new Peer(conn, editorIdentity('u-a'), 64 * MiB, budget);
    conn.bufferedAmount = 2 * MiB;
    peer.send(new Uint8Array([0, 0]));
    expect(budget.total).toBe(2 * MiB);
    expect(budget.enforce()).toEqual([peer]);
  });
});
