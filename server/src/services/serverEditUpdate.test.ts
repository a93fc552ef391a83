import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { serverEditUpdate } from './serverEditUpdate.ts';

describe('an edit the server makes on a copy of a live document', () => {
  it('carries only what it wrote, not content the document is still waiting to place', () => {
    const live = new Y.Doc();
    live.getText('t').insert(0, 'Hello');
    // Someone's edit that builds on words the live document never received: Yjs parks it.
    const theirs = new Y.Doc();
    theirs.clientID = 777;
    theirs.getText('t').insert(0, 'unseen ');
    const missing = Y.encodeStateAsUpdate(theirs);
    theirs.getText('t').insert(7, 'later');
    const parked = Y.encodeStateAsUpdate(theirs, Y.encodeStateVectorFromUpdate(missing));
    Y.applyUpdate(live, parked);
    expect(live.store.pendingStructs).not.toBeNull();

    const update = serverEditUpdate(live, (copy) => copy.getText('t').insert(5, ' world'));
    const written = [...Y.parseUpdateMeta(update).to.keys()];
    expect(written).toHaveLength(1);
    expect(written).not.toContain(777);
    Y.applyUpdate(live, update);
    expect(live.getText('t').toString()).toBe('Hello world');
  });
});
