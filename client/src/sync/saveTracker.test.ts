import { describe, expect, it } from 'vitest';
import { SaveTracker } from './saveTracker.ts';

const update = new Uint8Array([0, 2, 1, 0]);
const step2 = new Uint8Array([0, 1, 1, 0]);
const step1 = new Uint8Array([0, 0, 1, 0]);
const awareness = new Uint8Array([1, 1, 0]);

describe('the save status', () => {
  it('says "saving" until the server confirms the frames that carried the edit', () => {
    const t = new SaveTracker();
    t.noteConnection(true);
    t.noteSent(step1);
    t.noteSynced(true);
    expect(t.state).toEqual({ kind: 'saved' });
    t.noteSent(update);
    t.noteLocalEdit();
    expect(t.state).toEqual({ kind: 'saving' });
    t.noteSent(awareness); // presence is not an edit
    t.noteAck(1);
    expect(t.state).toEqual({ kind: 'saved' });
  });

  it('counts sync step 2 (offline edits sent on reconnect) as an edit to confirm', () => {
    const t = new SaveTracker();
    t.noteLocalEdit();
    expect(t.state).toEqual({ kind: 'offline', unsent: true });
    t.noteConnection(true);
    t.noteSent(step2);
    t.noteSynced(true);
    expect(t.state).toEqual({ kind: 'saving' });
    t.noteAck(1);
    expect(t.state).toEqual({ kind: 'saved' });
  });

  it('keeps unconfirmed edits as "offline, unsent" when the connection drops, and starts counts afresh', () => {
    const t = new SaveTracker();
    t.noteConnection(true);
    t.noteSynced(true);
    t.noteSent(update);
    t.noteLocalEdit();
    t.noteConnection(false);
    expect(t.state).toEqual({ kind: 'offline', unsent: true });
    t.noteConnection(true);
    expect(t.sent).toBe(0);
    expect(t.acked).toBe(0);
    expect(t.state.kind).toBe('saving');
  });

  it('shows why the connection closed for good', () => {
    const t = new SaveTracker();
    t.noteClosed('Your access to this document changed.');
    expect(t.state).toEqual({ kind: 'closed', message: 'Your access to this document changed.' });
  });

  it('gives React the same object until something visible changes', () => {
    const t = new SaveTracker();
    t.noteConnection(true);
    const a = t.state;
    t.noteSent(awareness);
    expect(t.state).toBe(a);
  });
});
