import { describe, expect, it } from 'vitest';
import { heldAfterChange, heldAsItLocks } from './heldWords.ts';
import { SaveTracker } from './saveTracker.ts';

const update = new Uint8Array([0, 2, 1, 0]);
const step2 = new Uint8Array([0, 1, 1, 0]);

/** A tracker on a synced connection, with one typed edit sent and not yet confirmed. */
function typing(): SaveTracker {
  const t = new SaveTracker();
  t.noteConnection(true);
  t.noteSynced(true);
  t.noteLocalEdit();
  t.noteSent(update);
  return t;
}

/** What the page holds as the text locks, then after each tracker change it hears of. */
function follow(t: SaveTracker, locked = true): { held: () => boolean } {
  let held = heldAsItLocks(t, locked);
  t.subscribe(() => {
    held = heldAfterChange(held, t);
  });
  return { held: () => held };
}

describe('the words a page holds when its document is closed', () => {
  it('holds an edit that was on its way as the text locked, and lets it go once it is confirmed after the closing', () => {
    const t = typing();
    const page = follow(t);
    expect(page.held()).toBe(true);
    t.noteAck(1);
    expect(page.held()).toBe(false);
  });

  it('keeps holding an edit the server refused: never confirmed, on that connection or after reconnecting', () => {
    const t = typing();
    const page = follow(t);
    // The room that took it is dropped (1011); the resent words are refused, not confirmed.
    t.noteConnection(false);
    t.noteConnection(true);
    t.noteSent(step2);
    t.noteSynced(true);
    expect(page.held()).toBe(true);
    // A later confirmation of something else sent after it does not cover it.
    t.noteSent(step2);
    t.noteAck(1);
    expect(t.acked).toBeLessThan(t.sent);
    expect(page.held()).toBe(true);
  });

  it('holds nothing when everything was confirmed before the closing, nor when the text is not locked', () => {
    const t = typing();
    t.noteAck(1);
    expect(follow(t).held()).toBe(false);
    expect(follow(typing(), false).held()).toBe(false);
  });

  it('does not start holding on words that arrive after the closing (an offline copy read back)', () => {
    const t = new SaveTracker();
    t.noteConnection(true);
    t.noteSynced(true);
    const page = follow(t);
    t.noteLocalEdit();
    expect(page.held()).toBe(false);
  });

  it('hears a confirmation even where the save line does not change (the connection closed for good)', () => {
    const t = typing();
    const page = follow(t);
    t.noteAck(1);
    t.noteClosed('Your access to this document changed.');
    expect(page.held()).toBe(false);
    const u = typing();
    const other = follow(u);
    u.noteClosed('Your access to this document changed.');
    let heard = 0;
    u.subscribe(() => heard++);
    u.noteAck(1);
    expect(heard).toBe(1);
    expect(other.held()).toBe(false);
  });
});
