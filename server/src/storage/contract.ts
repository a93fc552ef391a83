import { describe, expect, it } from 'vitest';
import { auditedWritesContract } from './auditedWritesContract.ts';
import { DocumentLocked } from './errors.ts';
import type {
  CommentRecord,
  CommentThreadRecord,
  DeclarationWrite,
  JournalRow,
  LedgerEntries,
  LifecycleRecord,
  Storage,
  VersionRecord,
} from './types.ts';

const bytes = (...b: number[]) => new Uint8Array(b);

/**
 * An account (Ann, ann@example.org), a workspace it owns and documents in it, each created
 * with its seed row (seq 1, the server's own content; with `seedClientId`, that client id
 * registered to the server): what every storage test starts from.
 */
export async function seedWorkspace(
  storage: Storage,
  ids: {
    userId: string;
    workspaceId: string;
    documentIds: readonly string[];
    seed?: Uint8Array;
    seedClientId?: number;
  },
): Promise<void> {
  const now = Date.now();
  await storage.users.create({
    id: ids.userId,
    name: 'Ann',
    email: 'ann@example.org',
    passwordHash: 'h',
    createdAt: now,
    creditMode: 'full_name',
    displayName: null,
  });
  await storage.workspaces.create({ id: ids.workspaceId, name: 'W', createdAt: now }, ids.userId);
  for (const documentId of ids.documentIds) {
    const seed: JournalRow = {
      documentId,
      seq: 1,
      createdAt: now,
      accountId: null,
      update: ids.seed ?? bytes(1),
    };
    await storage.documents.create(
      {
        id: documentId,
        workspaceId: ids.workspaceId,
        title: 'Doc',
        kind: 'service_design',
        createdBy: ids.userId,
        createdAt: now,
        updatedAt: now,
        restricted: false,
      },
      seed,
      ids.seedClientId === undefined
        ? []
        : [{ documentId, clientId: ids.seedClientId, accountId: null, firstSeen: now }],
    );
  }
}

/**
 * Makes an account whose address is confirmed, as a link from a confirmation email does
 * (`userId` may already exist: then only its address is confirmed).
 */
export async function confirmedUser(
  storage: Storage,
  userId: string,
  email = `${userId}@example.org`,
): Promise<void> {
  if (!(await storage.users.findById(userId))) {
    await storage.users.create({
      id: userId,
      name: userId,
      email,
      passwordHash: 'h',
      createdAt: 0,
      creditMode: 'full_name',
      displayName: null,
    });
  }
  const user = await storage.users.findById(userId);
  const tokenHash = new TextEncoder().encode(`confirm ${userId}`);
  const now = Date.now();
  await storage.emailConfirmations.issue(
    { tokenHash, userId, email: user?.email ?? email, createdAt: now, expiresAt: now + 1000 },
    [],
  );
  if (!(await storage.emailConfirmations.consume(tokenHash, now))) {
    throw new Error(`could not confirm ${userId}'s address`);
  }
}

/** The storage contract: every backend runs this same suite, with its own factory. */
export function storageContract(name: string, open: () => Promise<Storage>): void {
  describe(`storage contract: ${name}`, () => {
    const setup = async () => {
      const storage = await open();
      await seedWorkspace(storage, {
        userId: 'u1aaaaaaaaaaaaaaaaaaaaaa',
        workspaceId: 'w1aaaaaaaaaaaaaaaaaaaaaa',
        documentIds: ['d1aaaaaaaaaaaaaaaaaaaaaa'],
        seed: bytes(1, 2, 3),
        seedClientId: 7,
      });
      return storage;
    };
    const row = (seq: number, ...b: number[]): JournalRow => ({
      documentId: 'd1aaaaaaaaaaaaaaaaaaaaaa',
      seq,
      createdAt: Date.now(),
      accountId: 'u1aaaaaaaaaaaaaaaaaaaaaa',
      update: bytes(...b),
    });

    it('finds users by email and id, and refuses a second account with the same email', async () => {
      const s = await setup();
      expect((await s.users.findByEmail('ann@example.org'))?.id).toBe('u1aaaaaaaaaaaaaaaaaaaaaa');
      expect(await s.users.findById('nobody')).toBeNull();
      await expect(
        s.users.create({
          id: 'u2',
          name: 'X',
          email: 'ann@example.org',
          passwordHash: 'h',
          createdAt: 1,
          creditMode: 'full_name',
          displayName: null,
        }),
      ).rejects.toThrow();
      await s.close();
    });

    it('stores sessions by id with the secret hash, touches and deletes them', async () => {
      const s = await setup();
      const session = {
        id: 's1',
        secretHash: bytes(9, 9, 9),
        userId: 'u1aaaaaaaaaaaaaaaaaaaaaa',
        createdAt: 1,
        lastUsedAt: 1,
        expiresAt: 100,
      };
      await s.sessions.create(session);
      expect(await s.sessions.find('s1')).toEqual(session);
      await s.sessions.touch('s1', 50);
      expect((await s.sessions.find('s1'))?.lastUsedAt).toBe(50);
      await s.sessions.create({ ...session, id: 's2' });
      expect((await s.sessions.deleteForUser('u1aaaaaaaaaaaaaaaaaaaaaa')).sort()).toEqual([
        's1',
        's2',
      ]);
      expect(await s.sessions.find('s2')).toBeNull();
      await s.close();
    });

    it('creates a workspace with its owner and lists it for members only', async () => {
      const s = await setup();
      const list = await s.workspaces.listForUser('u1aaaaaaaaaaaaaaaaaaaaaa');
      expect(list.map((w) => [w.id, w.permission])).toEqual([
        ['w1aaaaaaaaaaaaaaaaaaaaaa', 'owner'],
      ]);
      expect(await s.workspaces.listForUser('someone-else')).toEqual([]);
      expect(
        (await s.workspaces.listMembers('w1aaaaaaaaaaaaaaaaaaaaaa')).map((m) => m.email),
      ).toEqual(['ann@example.org']);
      await s.close();
    });

    it('gives each new member the colour slot fewest members hold', async () => {
      const s = await setup();
      const w = 'w1aaaaaaaaaaaaaaaaaaaaaa';
      const join = async (i: number) => {
        const id = `u${i}`.padEnd(24, 'b');
        await s.users.create({
          id,
          name: `Person ${i}`,
          email: `p${i}@example.org`,
          passwordHash: 'h',
          createdAt: Date.now(),
          creditMode: 'full_name',
          displayName: null,
        });
        await s.workspaces.addMember({
          workspaceId: w,
          userId: id,
          permission: 'editor',
          participantRole: 'other',
          createdAt: Date.now(),
        });
        return id;
      };
      const slotOf = async (id: string) => (await s.workspaces.getMembership(w, id))?.colorSlot;
      // The owner holds slot 0; the next nine people get the other nine colours.
      const ids = [];
      for (let i = 2; i <= 10; i++) ids.push(await join(i));
      const slots = await Promise.all(['u1aaaaaaaaaaaaaaaaaaaaaa', ...ids].map(slotOf));
      expect(slots).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
      // Someone leaves: the next person takes their colour, not one already in use.
      await s.workspaces.removeMember(w, ids[3] as string);
      expect(await slotOf(await join(11))).toBe(4);
      // With every colour taken, colours are shared as evenly as they can be.
      expect(await slotOf(await join(12))).toBe(0);
      expect(await slotOf(await join(13))).toBe(1);
      await s.close();
    });

    it('creates a document together with its seed row, and renames it', async () => {
      const s = await setup();
      const loaded = await s.journal.load('d1aaaaaaaaaaaaaaaaaaaaaa');
      expect(loaded.snapshot).toBeNull();
      expect(loaded.rows).toEqual([{ seq: 1, update: bytes(1, 2, 3) }]);
      await s.documents.rename('d1aaaaaaaaaaaaaaaaaaaaaa', 'New title', 5);
      expect((await s.documents.get('d1aaaaaaaaaaaaaaaaaaaaaa'))?.title).toBe('New title');
      expect((await s.documents.listForWorkspace('w1aaaaaaaaaaaaaaaaaaaaaa')).length).toBe(1);
      await s.close();
    });

    it('keeps versions: listed newest first, read with their state, the latest of a kind, removed one by one', async () => {
      const s = await setup();
      const d = 'd1aaaaaaaaaaaaaaaaaaaaaa';
      const version = (id: string, kind: VersionRecord['kind'], createdAt: number) => ({
        id,
        documentId: d,
        kind,
        label: `label ${id}`,
        createdBy: 'u1aaaaaaaaaaaaaaaaaaaaaa',
        createdAt,
        state: bytes(createdAt % 256, 9),
      });
      await s.versions.create(version('v1', 'named', 1_000));
      await s.versions.create(version('v2', 'backup', 2_000));
      await s.versions.create(version('v3', 'named', 3_000));
      expect((await s.versions.list(d)).map((v) => v.id)).toEqual(['v3', 'v2', 'v1']);
      expect(await s.versions.get(d, 'v2')).toEqual(version('v2', 'backup', 2_000));
      expect(await s.versions.get('d-other', 'v2')).toBeNull();
      expect((await s.versions.latest(d, 'named'))?.id).toBe('v3');
      await s.versions.remove(d, 'v2');
      await s.versions.remove('d-other', 'v1'); // another document's id: nothing happens
      await s.versions.remove(d, 'v-unknown');
      expect((await s.versions.list(d)).map((v) => v.id)).toEqual(['v3', 'v1']);
      expect(await s.versions.get(d, 'v2')).toBeNull();
      expect(await s.versions.latest(d, 'backup')).toBeNull();
      await s.close();
    });

    it('registers client ids with their accounts, atomically with the rows', async () => {
      const s = await setup();
      await s.journal.append(
        [row(2, 4)],
        [
          {
            documentId: 'd1aaaaaaaaaaaaaaaaaaaaaa',
            clientId: 99,
            accountId: 'u1aaaaaaaaaaaaaaaaaaaaaa',
            firstSeen: 1,
          },
        ],
      );
      const loaded = await s.journal.load('d1aaaaaaaaaaaaaaaaaaaaaa');
      expect(loaded.clientOwners).toEqual(
        expect.arrayContaining([
          { clientId: 7, accountId: null },
          { clientId: 99, accountId: 'u1aaaaaaaaaaaaaaaaaaaaaa' },
        ]),
      );
      // A clash rolls back the rows of the same batch too.
      await expect(
        s.journal.append(
          [row(3, 5)],
          [
            {
              documentId: 'd1aaaaaaaaaaaaaaaaaaaaaa',
              clientId: 99,
              accountId: 'someone',
              firstSeen: 2,
            },
          ],
        ),
      ).rejects.toThrow();
      expect(await s.journal.countRows('d1aaaaaaaaaaaaaaaaaaaaaa')).toBe(2);
      await s.close();
    });

    it("records each author's participant role with their client ids, and reads back the latest", async () => {
      const s = await setup();
      const doc = 'd1aaaaaaaaaaaaaaaaaaaaaa';
      const owner = (
        clientId: number,
        firstSeen: number,
        participantRole: 'patient' | 'carer',
      ) => ({
        documentId: doc,
        clientId,
        accountId: 'u1aaaaaaaaaaaaaaaaaaaaaa',
        firstSeen,
        participantRole,
      });
      expect(await s.journal.authorRoles(doc)).toEqual(new Map());
      await s.journal.append(
        [{ ...row(2, 4), participantRole: 'patient' }],
        [owner(51, 10, 'patient')],
      );
      await s.journal.append(
        [{ ...row(3, 5), participantRole: 'carer' }],
        [owner(52, 20, 'carer')],
      );
      expect(await s.journal.authorRoles(doc)).toEqual(
        new Map([['u1aaaaaaaaaaaaaaaaaaaaaa', 'carer']]),
      );
      await s.close();
    });

    it('knows the role of someone who only ever deleted (no client id of their own)', async () => {
      const s = await setup();
      const doc = 'd1aaaaaaaaaaaaaaaaaaaaaa';
      const deletion = {
        documentId: doc,
        clientId: 7,
        clock: 0,
        len: 2,
        deletedBy: 'u2aaaaaaaaaaaaaaaaaaaaaa',
        authorId: null,
        at: Date.now(),
        words: 1,
        carried: false,
      };
      await s.journal.append(
        [{ ...row(2, 4), accountId: 'u2aaaaaaaaaaaaaaaaaaaaaa', participantRole: 'clinician' }],
        [],
        { inserts: [], carried: [], deletes: [deletion] },
      );
      expect((await s.journal.authorRoles(doc)).get('u2aaaaaaaaaaaaaaaaaaaaaa')).toBe('clinician');
      await s.close();
    });

    it('erases a workspace with its documents and all their history', async () => {
      const s = await setup();
      const doc = 'd1aaaaaaaaaaaaaaaaaaaaaa';
      await s.journal.append([row(2, 4)], [], {
        inserts: [{ documentId: doc, clientId: 7, clock: 0, len: 3, at: Date.now() }],
        carried: [],
        deletes: [],
      });
      await s.journal.writeSnapshot(doc, bytes(9), 2);
      expect(await s.workspaces.erase('w1aaaaaaaaaaaaaaaaaaaaaa')).toEqual([doc]);
      expect(await s.workspaces.get('w1aaaaaaaaaaaaaaaaaaaaaa')).toBeNull();
      expect(await s.documents.get(doc)).toBeNull();
      expect(await s.journal.countRows(doc)).toBe(0);
      const loaded = await s.journal.load(doc);
      expect(loaded.snapshot).toBeNull();
      const ledger = await s.journal.loadLedger(doc);
      expect(ledger.inserts).toEqual([]);
      expect(ledger.owners.size).toBe(0);
      expect(await s.workspaces.listForUser('u1aaaaaaaaaaaaaaaaaaaaaa')).toEqual([]);
      await s.close();
    });

    it('appends rows in order, and loads snapshot plus only the rows after it', async () => {
      const s = await setup();
      await s.journal.append([row(2, 4), row(3, 5), row(4, 6)]);
      expect(await s.journal.countRows('d1aaaaaaaaaaaaaaaaaaaaaa')).toBe(4);
      await s.journal.writeSnapshot('d1aaaaaaaaaaaaaaaaaaaaaa', bytes(7, 7), 3);
      const loaded = await s.journal.load('d1aaaaaaaaaaaaaaaaaaaaaa');
      expect(loaded.snapshot).toEqual({ state: bytes(7, 7), uptoSeq: 3 });
      expect(loaded.rows).toEqual([{ seq: 4, update: bytes(6) }]);
      // An older snapshot never replaces a newer one; one covering as many rows does (it
      // repairs a damaged snapshot).
      await s.journal.writeSnapshot('d1aaaaaaaaaaaaaaaaaaaaaa', bytes(1), 2);
      expect((await s.journal.load('d1aaaaaaaaaaaaaaaaaaaaaa')).snapshot?.uptoSeq).toBe(3);
      await s.journal.writeSnapshot('d1aaaaaaaaaaaaaaaaaaaaaa', bytes(8, 8), 3);
      expect((await s.journal.load('d1aaaaaaaaaaaaaaaaaaaaaa')).snapshot?.state).toEqual(
        bytes(8, 8),
      );
      // Without the snapshot: every row from the first.
      const all = await s.journal.load('d1aaaaaaaaaaaaaaaaaaaaaa', { withoutSnapshot: true });
      expect(all.snapshot).toBeNull();
      expect(all.rows.map((r) => r.seq)).toEqual([1, 2, 3, 4]);
      await s.close();
    });

    it('keeps a batch all-or-nothing: a client id registered twice fails it whole', async () => {
      const s = await setup();
      const taken = {
        documentId: 'd1aaaaaaaaaaaaaaaaaaaaaa',
        clientId: 7,
        accountId: 'u1aaaaaaaaaaaaaaaaaaaaaa',
        firstSeen: 1,
      };
      await expect(s.journal.append([row(2, 1)], [taken])).rejects.toThrow();
      expect(await s.journal.countRows('d1aaaaaaaaaaaaaaaaaaaaaa')).toBe(1);
      await s.close();
    });

    it('refuses, whole and by name, a batch for a document whose status locks its text, and takes it again once reopened', async () => {
      const s = await setup();
      const d = 'd1aaaaaaaaaaaaaaaaaaaaaa';
      const status = (version: number, to: string): LifecycleRecord => ({
        documentId: d,
        status: to,
        leads: {},
        approvals: {},
        version,
        changedAt: version,
        changedBy: 'u1aaaaaaaaaaaaaaaaaaaaaa',
      });
      const owner = {
        documentId: d,
        clientId: 42,
        accountId: 'u1aaaaaaaaaaaaaaaaaaaaaa',
        firstSeen: 1,
      };
      const ledger: LedgerEntries = {
        inserts: [{ documentId: d, clientId: 42, clock: 0, len: 1, at: 1 }],
        carried: [],
        deletes: [],
      };
      expect(await s.lifecycles.save(status(1, 'closed'))).toBe(true);
      const refusal: unknown = await s.journal.append([row(2, 4)], [owner], ledger).then(
        () => null,
        (err: unknown) => err,
      );
      expect(refusal).toBeInstanceOf(DocumentLocked);
      expect([...(refusal as DocumentLocked).documentIds]).toEqual([d]);
      // Nothing of it: no row, no client id, no ledger entry.
      expect(await s.journal.countRows(d)).toBe(1);
      const kept = await s.journal.loadLedger(d);
      expect(kept.owners.has(42)).toBe(false);
      expect(kept.inserts).toEqual([]);
      // A batch that only registers a client id is refused too.
      await expect(s.journal.append([], [owner])).rejects.toBeInstanceOf(DocumentLocked);
      // Any status that does not lock the text takes it.
      expect(await s.lifecycles.save(status(2, 'sustaining'))).toBe(true);
      expect(await s.journal.append([row(2, 4)], [owner], ledger)).toEqual([2]);
      expect((await s.journal.loadLedger(d)).owners.get(42)).toBe('u1aaaaaaaaaaaaaaaaaaaaaa');
      await s.close();
    });

    it('says under which sequence numbers rows were stored, and reads those after one', async () => {
      const s = await setup();
      expect(await s.journal.append([row(2, 1), row(3, 2)])).toEqual([2, 3]);
      expect(await s.journal.append([])).toEqual([]);
      const after = await s.journal.rowsAfter('d1aaaaaaaaaaaaaaaaaaaaaa', 2);
      expect(after.map((r) => [r.seq, [...r.update]])).toEqual([[3, [2]]]);
      const heads = await s.journal.heads(['d1aaaaaaaaaaaaaaaaaaaaaa', 'nothing-here']);
      expect([...heads]).toEqual([['d1aaaaaaaaaaaaaaaaaaaaaa', 3]]);
      await s.close();
    });

    it('answers a ping while open', async () => {
      const s = await setup();
      expect(await s.ping()).toBe('ok');
      await s.close();
    });

    it('moves a quarantined row out of the journal', async () => {
      const s = await setup();
      await s.journal.append([row(2, 4)]);
      await s.journal.quarantine('d1aaaaaaaaaaaaaaaaaaaaaa', 2, 'cannot apply');
      expect((await s.journal.load('d1aaaaaaaaaaaaaaaaaaaaaa')).rows.map((r) => r.seq)).toEqual([
        1,
      ]);
      expect(await s.integrityCheck()).toBe('ok');
      await s.close();
    });
    describe('evaluations', () => {
      const doc = 'd1aaaaaaaaaaaaaaaaaaaaaa';
      /** A declaration as the service writes it: confidentiality confirmed, as it must be. */
      const signed = <T extends Omit<DeclarationWrite, 'confidential'>>(d: T) => ({
        confidential: true as const,
        ...d,
      });
      const evaluator = 'u1aaaaaaaaaaaaaaaaaaaaaa';
      const evaluationSetup = {
        criteria: [
          { id: 'c1', title: 'Quality', scale: '0-4' as const, weight: 100, threshold: null },
        ],
        bids: [{ id: 'b1', bidder: 'Provider A' }],
      };
      const entry = {
        bidId: 'b1',
        criterionId: 'c1',
        kind: 'score' as const,
        score: 3,
        rationale: 'Clear pathway, weak on staffing.',
      };

      it('changes the set-up only while setting up, and moves stage by stage', async () => {
        const s = await setup();
        expect(await s.evaluations.get(doc)).toBeNull();
        const panel = [{ userId: evaluator, panelRole: 'evaluator' as const }];
        expect(await s.evaluations.saveSetup(doc, evaluationSetup, panel, 1)).toBe(true);
        // A set-up saved again (even in the same millisecond) moves `updatedAt` on, so a
        // start based on the earlier read is refused.
        const read = await s.evaluations.get(doc);
        expect(await s.evaluations.saveSetup(doc, evaluationSetup, panel, 1)).toBe(true);
        expect(
          await s.evaluations.transition(doc, 'setup', 'scoring', 2, {
            ifUpdatedAt: read?.updatedAt ?? 0,
          }),
        ).toBe(false);
        expect(await s.evaluations.get(doc)).toMatchObject({
          state: 'setup',
          setup: evaluationSetup,
          panel,
        });
        expect(await s.evaluations.transition(doc, 'setup', 'scoring', 2)).toBe(true);
        // Criteria and weights freeze when scoring starts.
        expect(await s.evaluations.saveSetup(doc, { criteria: [], bids: [] }, [], 3)).toBe(false);
        expect((await s.evaluations.get(doc))?.setup).toEqual(evaluationSetup);
        // A stale transition (someone else moved it first) changes nothing.
        expect(await s.evaluations.transition(doc, 'setup', 'scoring', 4)).toBe(false);
        expect(
          await s.evaluations.transition(doc, 'scoring', 'moderation', 5, {
            overrideReason: 'Ill',
          }),
        ).toBe(true);
        expect(await s.evaluations.get(doc)).toMatchObject({
          state: 'moderation',
          overrideReason: 'Ill',
        });
        // A move and its audit entry are one transaction: a refused move writes none.
        const entry = {
          at: 5,
          actorId: evaluator,
          workspaceId: null,
          action: 'evaluation.signed_off' as const,
          target: doc,
          details: {},
          ip: null,
        };
        expect(
          await s.evaluations.transition(doc, 'scoring', 'signed_off', 6, { audit: [entry] }),
        ).toBe(false);
        expect(await s.audit.forActor(evaluator, 10)).toEqual([]);
        // The chair's reason stays on record through sign-off.
        expect(
          await s.evaluations.transition(doc, 'moderation', 'signed_off', 6, { audit: [entry] }),
        ).toBe(true);
        expect((await s.audit.forActor(evaluator, 10)).map((e) => e.action)).toEqual([
          'evaluation.signed_off',
        ]);
        expect(await s.evaluations.get(doc)).toMatchObject({
          state: 'signed_off',
          overrideReason: 'Ill',
        });
        await s.close();
      });

      it('keeps declarations with the lots a conflict concerns, and an exception until re-declared', async () => {
        const s = await setup();
        await s.evaluations.saveSetup(doc, evaluationSetup, [], 1);
        const clear = { conflict: false, details: '', lots: null };
        expect(await s.evaluations.declare(doc, evaluator, signed(clear), 2)).toBe('closed');
        await s.evaluations.transition(doc, 'setup', 'scoring', 2);
        const lotted = { conflict: true, details: 'Sister at Provider A.', lots: ['l1', 'l2'] };
        expect(await s.evaluations.declare(doc, evaluator, signed(lotted), 3)).toBe('saved');
        expect(await s.evaluations.declare(doc, 'u2aaaaaaaaaaaaaaaaaaaaaa', signed(clear), 4)).toBe(
          'saved',
        );
        // An exception is for the declaration made when the chair read it, not another.
        expect(
          await s.evaluations.allowConflict(doc, evaluator, 'Chair checks.', 'chair', 5, {
            declaredAt: 2,
          }),
        ).toBe(false);
        expect(
          await s.evaluations.allowConflict(doc, evaluator, 'Chair checks.', 'chair', 5, {
            declaredAt: 3,
          }),
        ).toBe(true);
        expect(await s.evaluations.declarations(doc)).toEqual([
          {
            userId: evaluator,
            ...lotted,
            declaredAt: 3,
            firstDeclaredAt: 3,
            exception: { mitigation: 'Chair checks.', by: 'chair', at: 5 },
          },
          {
            userId: 'u2aaaaaaaaaaaaaaaaaaaaaa',
            ...clear,
            declaredAt: 4,
            firstDeclaredAt: 4,
            exception: null,
          },
        ]);
        // Declaring again (a wider conflict) clears the exception for the chair to reconsider.
        const wider = { ...lotted, lots: null };
        expect(await s.evaluations.declare(doc, evaluator, signed(wider), 6)).toBe('saved');
        expect((await s.evaluations.declarations(doc)).find((d) => d.userId === evaluator)).toEqual(
          {
            userId: evaluator,
            ...wider,
            declaredAt: 6,
            // The first declaration's date stays (an evaluation scored without names asks
            // everyone to declare again once the names are known).
            firstDeclaredAt: 3,
            exception: null,
          },
        );
        // The names are revealed once, while scoring or moderating.
        expect((await s.evaluations.get(doc))?.namesRevealedAt).toBeNull();
        expect(await s.evaluations.revealNames(doc, 7)).toBe(true);
        expect(await s.evaluations.revealNames(doc, 8)).toBe(false);
        expect((await s.evaluations.get(doc))?.namesRevealedAt).toBe(7);
        await s.close();
      });

      it('keeps every declaration a member makes, as made and in order; the latest governs', async () => {
        const s = await setup();
        const other = 'u2aaaaaaaaaaaaaaaaaaaaaa';
        await s.evaluations.saveSetup(doc, { ...evaluationSetup, anonymous: true }, [], 1);
        await s.evaluations.transition(doc, 'setup', 'scoring', 2);
        const clear = signed({ conflict: false, details: '', lots: null });
        const north = signed({ conflict: true, details: 'Cousin at Provider A.', lots: ['l1'] });
        const wider = { ...north, details: 'Cousin at Provider A, in every lot.', lots: null };
        // Both declare before the names are known; one declares again with them, a conflict
        // the chair allows, then again more widely.
        expect(await s.evaluations.declare(doc, evaluator, clear, 3)).toBe('saved');
        expect(await s.evaluations.declare(doc, other, clear, 4)).toBe('saved');
        expect(await s.evaluations.revealNames(doc, 5)).toBe(true);
        expect(await s.evaluations.declare(doc, evaluator, north, 6)).toBe('saved');
        expect(await s.evaluations.allowConflict(doc, evaluator, 'Chair checks.', 'chair', 7)).toBe(
          true,
        );
        expect(await s.evaluations.declare(doc, evaluator, wider, 8)).toBe('saved');
        const allowed = { mitigation: 'Chair checks.', by: 'chair', at: 7 };
        expect(await s.evaluations.declarationHistory(doc)).toEqual([
          { userId: evaluator, ...clear, declaredAt: 3, exception: null },
          { userId: other, ...clear, declaredAt: 4, exception: null },
          // The exception stays with the declaration it was recorded for.
          { userId: evaluator, ...north, declaredAt: 6, exception: allowed },
          { userId: evaluator, ...wider, declaredAt: 8, exception: null },
        ]);
        // The latest governs, and declaring again cleared the exception, as it always has:
        // the chair reconsiders the new declaration.
        const { confidential: _, ...widerAsRead } = wider;
        expect((await s.evaluations.declarations(doc)).find((d) => d.userId === evaluator)).toEqual(
          { userId: evaluator, ...widerAsRead, declaredAt: 8, firstDeclaredAt: 3, exception: null },
        );
        // An exception now is for the current declaration, and kept with it.
        expect(
          await s.evaluations.allowConflict(doc, evaluator, 'Ben re-scores.', 'chair', 9),
        ).toBe(true);
        expect(
          (await s.evaluations.declarationHistory(doc)).map((d) => d.exception?.mitigation ?? null),
        ).toEqual([null, null, 'Chair checks.', 'Ben re-scores.']);
        // Two in one millisecond keep the order they were made in.
        await s.evaluations.declare(doc, other, north, 10);
        await s.evaluations.declare(doc, other, wider, 10);
        expect(
          (await s.evaluations.declarationHistory(doc))
            .filter((d) => d.userId === other)
            .map((d) => d.details),
        ).toEqual(['', north.details, wider.details]);
        expect(
          (await s.evaluations.declarations(doc)).find((d) => d.userId === other),
        ).toMatchObject({ details: wider.details, lots: null });
        // Once signed off, nothing more is declared or kept.
        await s.evaluations.transition(doc, 'scoring', 'moderation', 11);
        await s.evaluations.transition(doc, 'moderation', 'signed_off', 12);
        expect(await s.evaluations.declare(doc, other, wider, 13)).toBe('closed');
        expect(await s.evaluations.declarationHistory(doc)).toHaveLength(6);
        // Erasing the workspace takes them with its documents.
        await s.workspaces.erase('w1aaaaaaaaaaaaaaaaaaaaaa');
        expect(await s.evaluations.declarationHistory(doc)).toEqual([]);
        await s.close();
      });

      it('takes entries only during scoring and before the evaluator submits', async () => {
        const s = await setup();
        await s.evaluations.saveSetup(doc, evaluationSetup, [], 1);
        expect(await s.evaluations.putEntry(doc, evaluator, entry, 2)).toBe('closed');
        await s.evaluations.transition(doc, 'setup', 'scoring', 2);
        expect(await s.evaluations.putEntry(doc, evaluator, { ...entry, score: 1 }, 3)).toBe(
          'saved',
        );
        expect(await s.evaluations.putEntry(doc, evaluator, entry, 4)).toBe('saved');
        expect(await s.evaluations.entries(doc, evaluator)).toEqual([
          { ...entry, userId: evaluator },
        ]);
        expect(await s.evaluations.entries(doc, 'someone else')).toEqual([]);
        expect(await s.evaluations.submit(doc, evaluator, 5)).toBe(true);
        expect(await s.evaluations.submissions(doc)).toEqual([
          { userId: evaluator, submittedAt: 5 },
        ]);
        expect(await s.evaluations.putEntry(doc, evaluator, { ...entry, score: 0 }, 6)).toBe(
          'submitted',
        );
        await s.evaluations.transition(doc, 'scoring', 'moderation', 7);
        // Frozen at moderation: neither a new entry nor a submission gets in.
        const other = 'u2aaaaaaaaaaaaaaaaaaaaaa';
        expect(await s.evaluations.putEntry(doc, other, entry, 8)).toBe('closed');
        expect(await s.evaluations.submit(doc, other, 8)).toBe(false);
        expect(await s.evaluations.entries(doc)).toEqual([{ ...entry, userId: evaluator }]);
        await s.close();
      });

      it('keeps an abstention with its reason', async () => {
        const s = await setup();
        await s.evaluations.saveSetup(doc, evaluationSetup, [], 1);
        await s.evaluations.transition(doc, 'setup', 'scoring', 2);
        const abstain = {
          bidId: 'b1',
          criterionId: 'c1',
          kind: 'abstain' as const,
          reason: 'Conflict',
        };
        await s.evaluations.putEntry(doc, evaluator, abstain, 3);
        expect(await s.evaluations.entries(doc)).toEqual([{ ...abstain, userId: evaluator }]);
        await s.close();
      });

      it('takes agreed scores only in moderation, replacing the earlier one for the same pair', async () => {
        const s = await setup();
        await s.evaluations.saveSetup(doc, evaluationSetup, [], 1);
        const agreed = {
          bidId: 'b1',
          criterionId: 'c1',
          score: 2,
          rationale: 'Agreed.',
          reason: null,
        };
        expect(await s.evaluations.putAgreed(doc, agreed, evaluator, 2, null)).toBe('closed');
        await s.evaluations.transition(doc, 'setup', 'scoring', 2);
        await s.evaluations.transition(doc, 'scoring', 'moderation', 3);
        expect(await s.evaluations.putAgreed(doc, agreed, evaluator, 4, null)).toBe('saved');
        // A form loaded before that save is stale: it would overwrite a colleague's score.
        expect(await s.evaluations.putAgreed(doc, agreed, evaluator, 5, null)).toBe('stale');
        const replaced = { ...agreed, score: 3, reason: 'Annex' };
        expect(await s.evaluations.putAgreed(doc, replaced, evaluator, 4, 4)).toBe('saved');
        // Saved in the same millisecond, it still gets a later time of its own.
        expect(await s.evaluations.agreedScores(doc)).toEqual([
          { ...replaced, round: 1, agreedBy: evaluator, agreedAt: 5 },
        ]);
        await s.evaluations.transition(doc, 'moderation', 'signed_off', 6);
        expect(await s.evaluations.putAgreed(doc, agreed, evaluator, 7, 5)).toBe('closed');
        await s.close();
      });

      it('keeps each moderation round’s agreed scores; a new round starts empty, also after sign-off', async () => {
        const s = await setup();
        await s.evaluations.saveSetup(doc, evaluationSetup, [], 1);
        expect(await s.evaluations.startRound(doc, 'Too early', evaluator, 2)).toBeNull();
        await s.evaluations.transition(doc, 'setup', 'scoring', 2);
        await s.evaluations.transition(doc, 'scoring', 'moderation', 3);
        const agreed = { bidId: 'b1', criterionId: 'c1', score: 2, rationale: 'R1.', reason: null };
        await s.evaluations.putAgreed(doc, agreed, evaluator, 4, null);
        expect(await s.evaluations.startRound(doc, 'Clarifications came in', evaluator, 5)).toBe(2);
        expect(await s.evaluations.agreedScores(doc)).toEqual([]);
        // The new round's first save is based on nothing, whatever round 1 held.
        await s.evaluations.putAgreed(doc, { ...agreed, score: 3 }, evaluator, 6, null);
        expect((await s.evaluations.agreedScores(doc)).map((a) => [a.round, a.score])).toEqual([
          [2, 3],
        ]);
        expect(
          (await s.evaluations.agreedScores(doc, { earlierRounds: true })).map((a) => [
            a.round,
            a.score,
          ]),
        ).toEqual([[1, 2]]);
        await s.evaluations.transition(doc, 'moderation', 'signed_off', 7);
        // A correction after sign-off is a new round, back in moderation.
        expect(await s.evaluations.startRound(doc, 'Arithmetic slip', evaluator, 8)).toBe(3);
        expect(await s.evaluations.get(doc)).toMatchObject({ state: 'moderation', round: 3 });
        expect(await s.evaluations.rounds(doc)).toEqual([
          {
            round: 2,
            reason: 'Clarifications came in',
            startedBy: evaluator,
            startedAt: 5,
            afterSignOff: false,
          },
          {
            round: 3,
            reason: 'Arithmetic slip',
            startedBy: evaluator,
            startedAt: 8,
            afterSignOff: true,
          },
        ]);
        await s.close();
      });

      it('goes when the workspace is erased', async () => {
        const s = await setup();
        await s.evaluations.saveSetup(doc, evaluationSetup, [], 1);
        await s.evaluations.transition(doc, 'setup', 'scoring', 2);
        await s.evaluations.putEntry(doc, evaluator, entry, 3);
        await s.evaluations.submit(doc, evaluator, 4);
        await s.workspaces.erase('w1aaaaaaaaaaaaaaaaaaaaaa');
        expect(await s.evaluations.get(doc)).toBeNull();
        expect(await s.evaluations.entries(doc)).toEqual([]);
        expect(await s.evaluations.submissions(doc)).toEqual([]);
        await s.close();
      });
    });
    describe('bid documents and clarifications', () => {
      const doc = 'd1aaaaaaaaaaaaaaaaaaaaaa';
      const ann = 'u1aaaaaaaaaaaaaaaaaaaaaa';
      const twoBids = {
        criteria: [],
        bids: [
          { id: 'b1', bidder: 'Provider A' },
          { id: 'b2', bidder: 'Provider B' },
        ],
      };
      const file = (
        id: string,
        bidId = 'b1',
        seenBy: ('evaluator' | 'lay_evaluator' | 'finance_evaluator')[] | null = null,
      ) => ({
        id,
        documentId: doc,
        bidId,
        name: `${id}.pdf`,
        kind: 'pdf' as const,
        size: 6,
        sha256: 'ab'.repeat(32),
        uploadedBy: ann,
        uploadedAt: 1_700_000_000_000,
        seenBy,
      });
      const pdf = bytes(0x25, 0x50, 0x44, 0x46, 0x2d, 0);

      it('stores a bid’s files only while setting up, for a bid of the set-up, up to the limit', async () => {
        const s = await setup();
        // No evaluation yet: nothing to attach a file to.
        expect(await s.bids.addDocument(file('f0'), pdf, 2)).toBe('closed');
        await s.evaluations.saveSetup(doc, twoBids, [], 1);
        expect(await s.bids.addDocument(file('f1'), pdf, 2)).toBe('saved');
        expect(await s.bids.addDocument(file('f2'), pdf, 2)).toBe('saved');
        expect(await s.bids.addDocument(file('f3'), pdf, 2)).toBe('full');
        // A file for some panel groups only keeps its list of groups.
        expect(await s.bids.addDocument(file('f4', 'b2', ['finance_evaluator']), pdf, 2)).toBe(
          'saved',
        );
        expect(await s.bids.addDocument(file('f5', 'nope'), pdf, 2)).toBe('no_bid');
        // Listed without their bytes, which come back exactly on their own.
        expect(await s.bids.documents(doc)).toEqual([
          file('f1'),
          file('f2'),
          file('f4', 'b2', ['finance_evaluator']),
        ]);
        expect(await s.bids.documentBytes(doc, 'f1')).toEqual({ record: file('f1'), bytes: pdf });
        expect(await s.bids.documentBytes('d2aaaaaaaaaaaaaaaaaaaaaa', 'f1')).toBeNull();
        expect(await s.bids.removeDocument(doc, 'f2')).toBe('removed');
        expect(await s.bids.removeDocument(doc, 'f2')).toBe('missing');
        await s.evaluations.transition(doc, 'setup', 'scoring', 2);
        // Bids are fixed once scoring starts: their files too.
        expect(await s.bids.addDocument(file('f6'), pdf, 30)).toBe('closed');
        expect(await s.bids.removeDocument(doc, 'f1')).toBe('closed');
        expect((await s.bids.documents(doc)).map((f) => f.id)).toEqual(['f1', 'f4']);
        await s.close();
      });

      it('deletes the files of a bid the set-up no longer has, in the same save', async () => {
        const s = await setup();
        await s.evaluations.saveSetup(doc, twoBids, [], 1);
        await s.bids.addDocument(file('f1'), pdf, 30);
        await s.bids.addDocument(file('f2', 'b2'), pdf, 30);
        await s.evaluations.saveSetup(
          doc,
          { criteria: [], bids: [{ id: 'b2', bidder: 'Provider B' }] },
          [],
          2,
        );
        expect((await s.bids.documents(doc)).map((f) => f.id)).toEqual(['f2']);
        expect(await s.bids.documentBytes(doc, 'f1')).toBeNull();
        await s.close();
      });

      it('takes questions and answers from scoring until sign-off, keeping every correction', async () => {
        const s = await setup();
        const question = {
          id: 'q1',
          documentId: doc,
          bidId: 'b1',
          question: 'How will you staff rural clinics?',
          askedBy: ann,
          askedAt: 10,
        };
        const answer = (id: string, at: number) => ({
          id,
          clarificationId: 'q1',
          documentId: doc,
          answer: `Answer ${id}`,
          receivedOn: '2026-02-28',
          reason: id === 'a1' ? '' : 'Copied wrongly',
          recordedBy: ann,
          recordedAt: at,
        });
        await s.evaluations.saveSetup(doc, twoBids, [], 1);
        expect(await s.bids.ask(question)).toBe('closed');
        await s.evaluations.transition(doc, 'setup', 'scoring', 2);
        expect(await s.bids.ask({ ...question, bidId: 'nope' })).toBe('no_bid');
        expect(await s.bids.ask(question)).toBe('saved');
        expect(await s.bids.answer({ ...answer('a0', 11), clarificationId: 'q9' }, null)).toBe(
          'missing',
        );
        expect(await s.bids.answer(answer('a1', 20), null)).toBe('saved');
        // A second first answer, or a correction of one not current, is stale.
        expect(await s.bids.answer(answer('a2', 21), null)).toBe('stale');
        expect(await s.bids.answer(answer('a2', 21), 'a1')).toBe('saved');
        expect(await s.bids.answer(answer('a3', 21), 'a1')).toBe('stale');
        await s.evaluations.transition(doc, 'scoring', 'moderation', 3);
        // Same millisecond as the one it corrects: still after it.
        expect(await s.bids.answer(answer('a3', 21), 'a2')).toBe('saved');
        expect(await s.bids.clarifications(doc)).toEqual([question]);
        expect(await s.bids.answers(doc)).toEqual([
          answer('a1', 20),
          answer('a2', 21),
          answer('a3', 21),
        ]);
        await s.evaluations.transition(doc, 'moderation', 'signed_off', 4);
        expect(await s.bids.ask({ ...question, id: 'q2' })).toBe('closed');
        expect(await s.bids.answer(answer('a4', 30), 'a3')).toBe('closed');
        await s.close();
      });

      it('goes when the workspace is erased', async () => {
        const s = await setup();
        await s.evaluations.saveSetup(doc, twoBids, [], 1);
        await s.bids.addDocument(file('f1'), pdf, 30);
        await s.evaluations.transition(doc, 'setup', 'scoring', 2);
        await s.bids.ask({
          id: 'q1',
          documentId: doc,
          bidId: 'b1',
          question: 'Why?',
          askedBy: ann,
          askedAt: 3,
        });
        await s.workspaces.erase('w1aaaaaaaaaaaaaaaaaaaaaa');
        expect(await s.bids.documents(doc)).toEqual([]);
        expect(await s.bids.clarifications(doc)).toEqual([]);
        await s.close();
      });
    });

    auditedWritesContract(setup, {
      userId: 'u1aaaaaaaaaaaaaaaaaaaaaa',
      workspaceId: 'w1aaaaaaaaaaaaaaaaaaaaaa',
      documentId: 'd1aaaaaaaaaaaaaaaaaaaaaa',
    });
    describe('comments', () => {
      const doc = 'd1aaaaaaaaaaaaaaaaaaaaaa';
      const otherDoc = 'd2aaaaaaaaaaaaaaaaaaaaaa';
      const ann = 'u1aaaaaaaaaaaaaaaaaaaaaa';
      const bob = 'u2aaaaaaaaaaaaaaaaaaaaaa';
      const withTwoDocuments = async () => {
        const storage = await open();
        await seedWorkspace(storage, {
          userId: ann,
          workspaceId: 'w1aaaaaaaaaaaaaaaaaaaaaa',
          documentIds: [doc, otherDoc],
        });
        return storage;
      };
      const thread = (id: string, createdAt: number, documentId = doc): CommentThreadRecord => ({
        id,
        documentId,
        anchorStart: bytes(1, 0, 255, 7),
        anchorEnd: bytes(1, 0, 255, 9),
        quote: 'the discharge letter',
        createdBy: ann,
        createdAt,
        resolvedAt: null,
        resolvedBy: null,
        suggestion: null,
      });
      const comment = (
        id: string,
        threadId: string,
        createdAt: number,
        changes: Partial<CommentRecord> = {},
      ): CommentRecord => ({
        id,
        threadId,
        documentId: doc,
        authorId: ann,
        participantRole: 'patient',
        body: `Comment ${id}`,
        mentions: [],
        createdAt,
        editedAt: null,
        deletedAt: null,
        ...changes,
      });

      it('opens a thread with its first comment, and reads both back as written', async () => {
        const s = await withTwoDocuments();
        const t = thread('t1', 10);
        const first = comment('c1', 't1', 10, { mentions: [bob, ann] });
        await s.comments.createThread(t, first);
        expect(await s.comments.getThread(doc, 't1')).toEqual(t);
        expect(await s.comments.getComment(doc, 'c1')).toEqual(first);
        expect(await s.comments.listThreads(doc)).toEqual([t]);
        expect(await s.comments.listComments(doc)).toEqual([first]);
        // Looked up under another document, neither exists.
        expect(await s.comments.getThread(otherDoc, 't1')).toBeNull();
        expect(await s.comments.getComment(otherDoc, 'c1')).toBeNull();
        expect(await s.comments.listThreads(otherDoc)).toEqual([]);
        await s.close();
      });

      it('opens no thread when its first comment cannot be stored', async () => {
        const s = await withTwoDocuments();
        await s.comments.createThread(thread('t1', 10), comment('c1', 't1', 10));
        // The first comment's id is taken: the thread must not be left without a comment.
        await expect(
          s.comments.createThread(thread('t2', 11), comment('c1', 't2', 11)),
        ).rejects.toThrow();
        expect(await s.comments.getThread(doc, 't2')).toBeNull();
        expect((await s.comments.listThreads(doc)).map((t) => t.id)).toEqual(['t1']);
        await s.close();
      });

      it('adds replies only to a thread of the same document', async () => {
        const s = await withTwoDocuments();
        await s.comments.createThread(thread('t1', 10), comment('c1', 't1', 10));
        await s.comments.createThread(
          thread('t9', 10, otherDoc),
          comment('c9', 't9', 10, { documentId: otherDoc }),
        );
        const reply = comment('c2', 't1', 20, { authorId: bob, participantRole: 'clinician' });
        expect(await s.comments.addReply(reply)).toBe(true);
        expect(await s.comments.getComment(doc, 'c2')).toEqual(reply);
        expect(await s.comments.addReply(comment('c3', 'no-such-thread', 30))).toBe(false);
        // A thread id of another document never matches.
        expect(await s.comments.addReply(comment('c4', 't9', 40))).toBe(false);
        expect((await s.comments.listComments(doc)).map((c) => c.id)).toEqual(['c1', 'c2']);
        expect((await s.comments.listComments(otherDoc)).map((c) => c.id)).toEqual(['c9']);
        await s.close();
      });

      it('lists threads and comments oldest first, by id when made at the same time', async () => {
        const s = await withTwoDocuments();
        await s.comments.createThread(thread('tb', 20), comment('cb', 'tb', 20));
        await s.comments.createThread(thread('tc', 10), comment('cc', 'tc', 10));
        await s.comments.createThread(thread('ta', 20), comment('ca', 'ta', 20));
        await s.comments.addReply(comment('c0', 'tb', 30));
        await s.comments.addReply(comment('cd', 'tc', 5));
        expect((await s.comments.listThreads(doc)).map((t) => t.id)).toEqual(['tc', 'ta', 'tb']);
        expect((await s.comments.listComments(doc)).map((c) => c.id)).toEqual([
          'cd',
          'cc',
          'ca',
          'cb',
          'c0',
        ]);
        await s.close();
      });

      it('lets only the author edit a comment, and never once it is deleted', async () => {
        const s = await withTwoDocuments();
        const first = comment('c1', 't1', 10, { mentions: [bob] });
        await s.comments.createThread(thread('t1', 10), first);
        const change = { body: 'Reworded', mentions: [ann] };
        expect(await s.comments.editComment(doc, 'c1', bob, change, 20)).toBe(false);
        expect(await s.comments.editComment(otherDoc, 'c1', ann, change, 20)).toBe(false);
        expect(await s.comments.editComment(doc, 'no-such-comment', ann, change, 20)).toBe(false);
        expect(await s.comments.getComment(doc, 'c1')).toEqual(first);
        expect(await s.comments.editComment(doc, 'c1', ann, change, 30)).toBe(true);
        expect(await s.comments.getComment(doc, 'c1')).toEqual({
          ...first,
          body: 'Reworded',
          mentions: [ann],
          editedAt: 30,
        });
        expect(await s.comments.deleteComment(doc, 'c1', ann, 40)).toBe(true);
        expect(await s.comments.editComment(doc, 'c1', ann, change, 50)).toBe(false);
        expect(await s.comments.getComment(doc, 'c1')).toMatchObject({
          body: '',
          mentions: [],
          editedAt: 30,
          deletedAt: 40,
        });
        await s.close();
      });

      it('lets only the author delete a comment, clearing its body and mentions, once', async () => {
        const s = await withTwoDocuments();
        await s.comments.createThread(thread('t1', 10), comment('c1', 't1', 10));
        const reply = comment('c2', 't1', 20, { mentions: [bob, ann] });
        await s.comments.addReply(reply);
        expect(await s.comments.deleteComment(doc, 'c2', bob, 30)).toBe(false);
        expect(await s.comments.deleteComment(otherDoc, 'c2', ann, 30)).toBe(false);
        expect(await s.comments.getComment(doc, 'c2')).toEqual(reply);
        expect(await s.comments.deleteComment(doc, 'c2', ann, 40)).toBe(true);
        const deleted = { ...reply, body: '', mentions: [], deletedAt: 40 };
        expect(await s.comments.getComment(doc, 'c2')).toEqual(deleted);
        // Deleted once: a second delete changes nothing, not even the time.
        expect(await s.comments.deleteComment(doc, 'c2', ann, 50)).toBe(false);
        expect(await s.comments.getComment(doc, 'c2')).toEqual(deleted);
        // A deleted comment keeps its place in the thread.
        expect((await s.comments.listComments(doc)).map((c) => [c.id, c.deletedAt])).toEqual([
          ['c1', null],
          ['c2', 40],
        ]);
        await s.close();
      });

      it('resolves and reopens a thread of its document only', async () => {
        const s = await withTwoDocuments();
        await s.comments.createThread(thread('t1', 10), comment('c1', 't1', 10));
        expect(await s.comments.setResolved(doc, 't1', { by: bob, at: 20 })).toBe(true);
        expect(await s.comments.getThread(doc, 't1')).toMatchObject({
          resolvedAt: 20,
          resolvedBy: bob,
        });
        expect(await s.comments.setResolved(doc, 'no-such-thread', { by: bob, at: 20 })).toBe(
          false,
        );
        expect(await s.comments.setResolved(otherDoc, 't1', null)).toBe(false);
        expect((await s.comments.getThread(doc, 't1'))?.resolvedAt).toBe(20);
        expect(await s.comments.setResolved(doc, 't1', null)).toBe(true);
        expect(await s.comments.getThread(doc, 't1')).toEqual(thread('t1', 10));
        await s.close();
      });

      const openSuggestion = {
        text: 'the letter',
        outcome: null,
        decidedBy: null,
        decidedAt: null,
        clientId: null,
      };
      /** A thread suggesting new words, by Ann, and a plain one. */
      const withSuggestion = async () => {
        const s = await withTwoDocuments();
        await s.comments.createThread(
          { ...thread('t1', 10), suggestion: openSuggestion },
          comment('c1', 't1', 10),
        );
        await s.comments.createThread(thread('t2', 10), comment('c2', 't2', 10));
        return s;
      };
      /** The journal commit that writes accepted words: a row, and the id registered. */
      const commitUnder = (s: Storage, clientId: number, accountId: string, seq: number) =>
        s.journal.append(
          [{ documentId: doc, seq, createdAt: 40, accountId, update: bytes(seq) }],
          [{ documentId: doc, clientId, accountId, firstSeen: 40 }],
        );
      const rejectByAnn = { outcome: 'rejected', by: ann, at: 40 } as const;

      it('rejects a suggestion once, resolving its thread; nothing decides a withdrawn one', async () => {
        const s = await withSuggestion();
        expect((await s.comments.getThread(doc, 't1'))?.suggestion).toEqual(openSuggestion);
        const reject = { outcome: 'rejected', by: bob, at: 30 } as const;
        // Only a suggestion, in its own document, and only once.
        expect(await s.comments.decideSuggestion(doc, 't2', reject)).toBe(false);
        expect(await s.comments.decideSuggestion(otherDoc, 't1', reject)).toBe(false);
        expect(await s.comments.decideSuggestion(doc, 't1', reject)).toBe(true);
        expect(await s.comments.decideSuggestion(doc, 't1', rejectByAnn)).toBe(false);
        expect(
          await s.comments.decideSuggestion(doc, 't1', {
            outcome: 'accepting',
            by: ann,
            at: 40,
            clientId: 5,
          }),
        ).toBe(false);
        expect(await s.comments.getThread(doc, 't1')).toMatchObject({
          resolvedAt: 30,
          resolvedBy: bob,
          suggestion: { ...openSuggestion, outcome: 'rejected', decidedBy: bob, decidedAt: 30 },
        });
        // Withdrawn (its opening comment deleted by its author): it can no longer be decided.
        await s.comments.createThread(
          { ...thread('t3', 10), suggestion: openSuggestion },
          comment('c3', 't3', 10),
        );
        expect(await s.comments.deleteComment(doc, 'c3', ann, 50)).toBe(true);
        expect(await s.comments.decideSuggestion(doc, 't3', rejectByAnn)).toBe(false);
        expect(
          await s.comments.decideSuggestion(doc, 't3', {
            outcome: 'accepting',
            by: bob,
            at: 50,
            clientId: 5,
          }),
        ).toBe(false);
        await s.close();
      });

      it('lets the suggester revise an open suggestion only as they read it, and a decision made on an older reading changes nothing', async () => {
        const s = await withSuggestion();
        const t1 = thread('t1', 10);
        const read = {
          anchorStart: t1.anchorStart,
          anchorEnd: t1.anchorEnd,
          quote: t1.quote,
          text: openSuggestion.text,
        };
        const longer = { ...read, anchorEnd: new Uint8Array([9, 9]), text: 'the letter too' };
        // Only its suggester (Ann, see `thread`), only a suggestion, only as it is now.
        expect(await s.comments.reviseSuggestion(doc, 't1', bob, read, longer)).toBe(false);
        expect(await s.comments.reviseSuggestion(doc, 't2', ann, read, longer)).toBe(false);
        expect(
          await s.comments.reviseSuggestion(doc, 't1', ann, { ...read, text: 'other' }, longer),
        ).toBe(false);
        expect(await s.comments.reviseSuggestion(doc, 't1', ann, read, longer)).toBe(true);
        expect(await s.comments.getThread(doc, 't1')).toMatchObject({
          anchorStart: t1.anchorStart,
          anchorEnd: new Uint8Array([9, 9]),
          suggestion: { ...openSuggestion, text: 'the letter too' },
        });
        // A second tab still holding the first reading cannot overwrite it.
        expect(await s.comments.reviseSuggestion(doc, 't1', ann, read, read)).toBe(false);
        // A decision on the first reading changes nothing; on the revised one it is made.
        expect(await s.comments.decideSuggestion(doc, 't1', { ...rejectByAnn, as: read })).toBe(
          false,
        );
        expect(await s.comments.getThread(doc, 't1')).toMatchObject({ resolvedAt: null });
        expect(
          await s.comments.decideSuggestion(doc, 't1', {
            outcome: 'accepting',
            by: bob,
            at: 30,
            clientId: 77,
            as: longer,
          }),
        ).toBe(true);
        // Being accepted, or withdrawn: no longer revised, nor withdrawn.
        expect(await s.comments.reviseSuggestion(doc, 't1', ann, longer, read)).toBe(false);
        expect(await s.comments.withdrawSuggestion(doc, 't1', ann, longer, 60)).toBe(false);
        // An open one is withdrawn by its suggester, as they read it, once.
        await s.comments.createThread(
          { ...thread('t4', 10), suggestion: openSuggestion },
          comment('c4', 't4', 10),
        );
        expect(await s.comments.withdrawSuggestion(doc, 't4', bob, read, 60)).toBe(false);
        expect(await s.comments.withdrawSuggestion(doc, 't4', ann, longer, 60)).toBe(false);
        expect(await s.comments.withdrawSuggestion(doc, 't4', ann, read, 60)).toBe(true);
        expect(await s.comments.getComment(doc, 'c4')).toMatchObject({ deletedAt: 60, body: '' });
        expect(await s.comments.withdrawSuggestion(doc, 't4', ann, read, 70)).toBe(false);
        await s.comments.createThread(
          { ...thread('t3', 10), suggestion: openSuggestion },
          comment('c3', 't3', 10),
        );
        expect(await s.comments.deleteComment(doc, 'c3', ann, 50)).toBe(true);
        expect(await s.comments.reviseSuggestion(doc, 't3', ann, read, longer)).toBe(false);
        await s.close();
      });

      it('records an acceptance as pending, refuses a second decision, and settles it as accepted once the journal has registered its client id to the suggester', async () => {
        const s = await withSuggestion();
        const accepting = { outcome: 'accepting', by: bob, at: 30, clientId: 4242 } as const;
        expect(await s.comments.decideSuggestion(doc, 't2', accepting)).toBe(false);
        expect(await s.comments.decideSuggestion(doc, 't1', accepting)).toBe(true);
        // Pending: who accepted, when, and the id; the thread is not resolved yet.
        expect(await s.comments.getThread(doc, 't1')).toMatchObject({
          resolvedAt: null,
          resolvedBy: null,
          suggestion: {
            ...openSuggestion,
            outcome: 'accepting',
            decidedBy: bob,
            decidedAt: 30,
            clientId: 4242,
          },
        });
        expect(await s.comments.listAccepting()).toEqual([
          { documentId: doc, threadId: 't1', clientId: 4242, decidedAt: 30 },
        ]);
        // Two editors cannot both decide it: a second acceptance or a rejection is refused.
        expect(await s.comments.decideSuggestion(doc, 't1', { ...accepting, clientId: 7 })).toBe(
          false,
        );
        expect(await s.comments.decideSuggestion(doc, 't1', rejectByAnn)).toBe(false);

        await commitUnder(s, 4242, ann, 2);
        // Only under its own id, in its own document.
        expect(await s.comments.settleAcceptance(doc, 't1', 7, 50)).toBeNull();
        expect(await s.comments.settleAcceptance(otherDoc, 't1', 4242, 50)).toBeNull();
        expect(await s.comments.settleAcceptance(doc, 't1', 4242, 50)).toBe('accepted');
        expect(await s.comments.getThread(doc, 't1')).toMatchObject({
          resolvedAt: 30,
          resolvedBy: bob,
          suggestion: {
            ...openSuggestion,
            outcome: 'accepted',
            decidedBy: bob,
            decidedAt: 30,
            clientId: 4242,
          },
        });
        // Settled once: again changes nothing, and it is decided for good.
        expect(await s.comments.settleAcceptance(doc, 't1', 4242, 60)).toBeNull();
        expect(await s.comments.listAccepting()).toEqual([]);
        expect(await s.comments.decideSuggestion(doc, 't1', rejectByAnn)).toBe(false);
        await s.close();
      });

      it('settles an acceptance whose words were not committed as open again, and the journal never commits them after', async () => {
        const s = await withSuggestion();
        await s.comments.setResolved(doc, 't1', { by: ann, at: 20 });
        const accepting = { outcome: 'accepting', by: bob, at: 30, clientId: 4242 } as const;
        expect(await s.comments.decideSuggestion(doc, 't1', accepting)).toBe(true);
        expect(await s.comments.settleAcceptance(doc, 't1', 4242, 50)).toBe('reopened');
        // Open again, offered as before (its thread as it was).
        expect(await s.comments.getThread(doc, 't1')).toEqual({
          ...thread('t1', 10),
          resolvedAt: 20,
          resolvedBy: ann,
          suggestion: openSuggestion,
        });
        expect(await s.comments.listAccepting()).toEqual([]);
        expect(await s.comments.settleAcceptance(doc, 't1', 4242, 60)).toBeNull();
        // The id is retired: a commit of the words under it, arriving late, is refused whole.
        await expect(commitUnder(s, 4242, ann, 2)).rejects.toThrow();
        expect(await s.journal.countRows(doc)).toBe(1);
        expect((await s.journal.loadLedger(doc)).owners.get(4242)).toBeNull();

        // Accepted again, under a new id; an id someone else holds never counts as written.
        expect(await s.comments.decideSuggestion(doc, 't1', { ...accepting, clientId: 77 })).toBe(
          true,
        );
        await commitUnder(s, 77, bob, 2);
        expect(await s.comments.settleAcceptance(doc, 't1', 77, 70)).toBe('reopened');
        expect(await s.comments.decideSuggestion(doc, 't1', { ...accepting, clientId: 78 })).toBe(
          true,
        );
        await commitUnder(s, 78, ann, 3);
        expect(await s.comments.settleAcceptance(doc, 't1', 78, 80)).toBe('accepted');
        await s.close();
      });

      it('goes when the workspace is erased', async () => {
        const s = await withTwoDocuments();
        await s.comments.createThread(thread('t1', 10), comment('c1', 't1', 10));
        await s.comments.addReply(comment('c2', 't1', 20));
        await s.comments.createThread(
          thread('t9', 10, otherDoc),
          comment('c9', 't9', 10, { documentId: otherDoc }),
        );
        expect((await s.workspaces.erase('w1aaaaaaaaaaaaaaaaaaaaaa')).sort()).toEqual([
          doc,
          otherDoc,
        ]);
        for (const d of [doc, otherDoc]) {
          expect(await s.comments.listThreads(d)).toEqual([]);
          expect(await s.comments.listComments(d)).toEqual([]);
        }
        expect(await s.comments.getThread(doc, 't1')).toBeNull();
        expect(await s.comments.getComment(doc, 'c2')).toBeNull();
        await s.close();
      });
    });

    describe('mentions read', () => {
      const doc = 'd1aaaaaaaaaaaaaaaaaaaaaa';
      const ann = 'u1aaaaaaaaaaaaaaaaaaaaaa';
      const bob = 'u2aaaaaaaaaaaaaaaaaaaaaa';
      const withDocument = async () => {
        const storage = await open();
        await seedWorkspace(storage, {
          userId: ann,
          workspaceId: 'w1aaaaaaaaaaaaaaaaaaaaaa',
          documentIds: [doc],
        });
        return storage;
      };

      it('keeps each person’s read mentions apart, and marking one again changes nothing', async () => {
        const s = await withDocument();
        expect(await s.mentionReads.readOf(ann, ['c1', 'c2'])).toEqual(new Set());
        await s.mentionReads.markRead(ann, [{ commentId: 'c1', documentId: doc }], 10);
        await s.mentionReads.markRead(
          ann,
          [
            { commentId: 'c1', documentId: doc },
            { commentId: 'c3', documentId: doc },
          ],
          20,
        );
        await s.mentionReads.markRead(bob, [{ commentId: 'c2', documentId: doc }], 30);
        expect(await s.mentionReads.readOf(ann, ['c1', 'c2', 'c3', 'c4'])).toEqual(
          new Set(['c1', 'c3']),
        );
        expect(await s.mentionReads.readOf(bob, ['c1', 'c2', 'c3'])).toEqual(new Set(['c2']));
        expect(await s.mentionReads.readOf(ann, [])).toEqual(new Set());
        // Nothing to mark is no write and no error.
        await s.mentionReads.markRead(ann, [], 40);
        // A deleted account's reads go with it; nobody else's do.
        await s.mentionReads.eraseForUser(ann);
        expect(await s.mentionReads.readOf(ann, ['c1', 'c3'])).toEqual(new Set());
        expect(await s.mentionReads.readOf(bob, ['c2'])).toEqual(new Set(['c2']));
        await s.close();
      });

      it('goes when the workspace is erased', async () => {
        const s = await withDocument();
        await s.mentionReads.markRead(ann, [{ commentId: 'c1', documentId: doc }], 10);
        await s.workspaces.erase('w1aaaaaaaaaaaaaaaaaaaaaa');
        expect(await s.mentionReads.readOf(ann, ['c1'])).toEqual(new Set());
        await s.close();
      });
    });

    describe('mention emails (the outbox)', () => {
      const doc = 'd1aaaaaaaaaaaaaaaaaaaaaa';
      const ann = 'u1aaaaaaaaaaaaaaaaaaaaaa';
      const bob = 'u2aaaaaaaaaaaaaaaaaaaaaa';
      const withDocument = async () => {
        const storage = await open();
        await seedWorkspace(storage, {
          userId: ann,
          workspaceId: 'w1aaaaaaaaaaaaaaaaaaaaaa',
          documentIds: [doc],
        });
        // Only people with a confirmed address are emailed.
        await confirmedUser(storage, ann);
        await confirmedUser(storage, bob);
        return storage;
      };
      const m = (userId: string, commentId: string) => ({ userId, commentId, documentId: doc });
      const claimedIds = (rows: { userId: string; commentId: string }[]) =>
        rows.map((r) => `${r.userId === ann ? 'ann' : 'bob'}:${r.commentId}`).sort();

      it('claims nothing before it is due, then every waiting mention of each person with one due', async () => {
        const s = await withDocument();
        await s.mentionEmails.schedule([m(ann, 'c1'), m(bob, 'c2')], 100);
        await s.mentionEmails.schedule([m(ann, 'c3')], 150);
        // Scheduling a mention again changes nothing: an edit never sends it twice.
        await s.mentionEmails.schedule([m(ann, 'c1')], 500);
        expect(await s.mentionEmails.claimDue(99, { token: 'a', until: 1000 }, 10)).toEqual([]);
        const claimed = await s.mentionEmails.claimDue(100, { token: 'a', until: 1000 }, 10);
        // Ann's c3 is not due yet, but goes with c1 in one email.
        expect(claimedIds(claimed)).toEqual(['ann:c1', 'ann:c3', 'bob:c2']);
        expect(claimed.find((r) => r.commentId === 'c1')).toEqual({
          userId: ann,
          commentId: 'c1',
          documentId: doc,
          dueAt: 100,
          attempts: 1,
        });
        // Held by the claim until it runs out.
        expect(await s.mentionEmails.claimDue(999, { token: 'b', until: 2000 }, 10)).toEqual([]);
        await s.close();
      });

      it('gives claimed mentions to one claimer only, even when two ask at once', async () => {
        const s = await withDocument();
        await s.mentionEmails.schedule([m(ann, 'c1'), m(ann, 'c2'), m(bob, 'c3')], 100);
        const [one, two] = await Promise.all([
          s.mentionEmails.claimDue(200, { token: 'one', until: 1000 }, 10),
          s.mentionEmails.claimDue(200, { token: 'two', until: 1000 }, 10),
        ]);
        expect(claimedIds([...one, ...two])).toEqual(['ann:c1', 'ann:c2', 'bob:c3']);
        await s.close();
      });

      it('claims for at most `limit` people at a time', async () => {
        const s = await withDocument();
        await s.mentionEmails.schedule([m(ann, 'c1'), m(ann, 'c2'), m(bob, 'c3')], 100);
        const first = await s.mentionEmails.claimDue(200, { token: 'a', until: 1000 }, 1);
        expect(new Set(first.map((r) => r.userId)).size).toBe(1);
        const rest = await s.mentionEmails.claimDue(200, { token: 'a', until: 1000 }, 1);
        expect(claimedIds([...first, ...rest])).toEqual(['ann:c1', 'ann:c2', 'bob:c3']);
        await s.close();
      });

      it('settles only what the token holds, and a sent mention is never claimed again', async () => {
        const s = await withDocument();
        await s.mentionEmails.schedule([m(ann, 'c1'), m(bob, 'c2')], 100);
        await s.mentionEmails.claimDue(100, { token: 'a', until: 300 }, 10);
        // Another token cannot settle them.
        expect(await s.mentionEmails.settle(ann, ['c1'], 'b', { state: 'sent', at: 200 })).toBe(0);
        expect(await s.mentionEmails.settle(ann, ['c1'], 'a', { state: 'sent', at: 200 })).toBe(1);
        expect(await s.mentionEmails.stateOf(ann, 'c1')).toBe('sent');
        // A sent mention is never claimed again; bob's, claimed and left, is once a's claim ran out.
        const later = await s.mentionEmails.claimDue(10_000, { token: 'z', until: 20_000 }, 10);
        expect(claimedIds(later)).toEqual(['bob:c2']);
        await s.close();
      });

      it('puts a failed send back for later, counting attempts, and a stopped claimer’s after its claim', async () => {
        const s = await withDocument();
        await s.mentionEmails.schedule([m(ann, 'c1')], 100);
        await s.mentionEmails.claimDue(100, { token: 'a', until: 300 }, 10);
        expect(
          await s.mentionEmails.settle(ann, ['c1'], 'a', { state: 'pending', retryAt: 500 }),
        ).toBe(1);
        expect(await s.mentionEmails.stateOf(ann, 'c1')).toBe('pending');
        expect(await s.mentionEmails.claimDue(499, { token: 'b', until: 900 }, 10)).toEqual([]);
        const again = await s.mentionEmails.claimDue(500, { token: 'b', until: 900 }, 10);
        expect(again.map((r) => [r.commentId, r.dueAt, r.attempts])).toEqual([['c1', 500, 2]]);
        // Claimer b stops without settling: once its claim runs out, c takes it over.
        const taken = await s.mentionEmails.claimDue(900, { token: 'c', until: 2000 }, 10);
        expect(taken.map((r) => r.attempts)).toEqual([3]);
        expect(await s.mentionEmails.settle(ann, ['c1'], 'b', { state: 'sent', at: 950 })).toBe(0);
        expect(await s.mentionEmails.settle(ann, ['c1'], 'c', { state: 'failed', at: 950 })).toBe(
          1,
        );
        expect(await s.mentionEmails.stateOf(ann, 'c1')).toBe('failed');
        await s.close();
      });

      it('claims only the mentions of people whose address is confirmed; the others wait, then are passed over', async () => {
        const s = await withDocument();
        const cy = 'u3aaaaaaaaaaaaaaaaaaaaaa';
        await s.users.create({
          id: cy,
          name: 'Cy',
          email: 'cy@example.org',
          passwordHash: 'h',
          createdAt: 0,
          creditMode: 'full_name',
          displayName: null,
        });
        await s.mentionEmails.schedule([m(ann, 'c1'), m(cy, 'c2'), m(cy, 'c3')], 100);
        await s.mentionEmails.schedule([m(cy, 'c4')], 5000);
        const claimed = await s.mentionEmails.claimDue(200, { token: 'a', until: 1000 }, 10);
        expect(claimed.map((r) => r.userId)).toEqual([ann]);
        // Cy's wait, unclaimed: no attempt counted, nothing settled.
        expect(await s.mentionEmails.claimDue(400, { token: 'b', until: 500 }, 10)).toEqual([]);
        expect(await s.mentionEmails.stateOf(cy, 'c2')).toBe('pending');
        // Passing over those that waited too long: only an unconfirmed person's, only due
        // before the cut-off; a confirmed person's mention (ann's, claimed) is left alone.
        expect(await s.mentionEmails.dropUnconfirmed(101, 600)).toBe(2);
        expect(await s.mentionEmails.stateOf(cy, 'c2')).toBe('dropped');
        expect(await s.mentionEmails.stateOf(cy, 'c4')).toBe('pending');
        expect(await s.mentionEmails.stateOf(ann, 'c1')).toBe('pending');
        await s.mentionEmails.settle(ann, ['c1'], 'a', { state: 'sent', at: 700 });
        // Once Cy confirms, the one still waiting is claimed like anyone's.
        await confirmedUser(s, cy);
        const later = await s.mentionEmails.claimDue(5000, { token: 'c', until: 9000 }, 10);
        expect(later.map((r) => [r.userId, r.commentId, r.attempts])).toEqual([[cy, 'c4', 1]]);
        expect(await s.mentionEmails.dropUnconfirmed(10_000, 10_000)).toBe(0);
        await s.close();
      });

      it('goes with the person’s account and with the workspace', async () => {
        const s = await withDocument();
        await s.mentionEmails.schedule([m(ann, 'c1'), m(bob, 'c2')], 100);
        await s.mentionEmails.eraseForUser(ann);
        expect(await s.mentionEmails.stateOf(ann, 'c1')).toBeNull();
        expect(await s.mentionEmails.stateOf(bob, 'c2')).toBe('pending');
        await s.workspaces.erase('w1aaaaaaaaaaaaaaaaaaaaaa');
        expect(await s.mentionEmails.stateOf(bob, 'c2')).toBeNull();
        await s.close();
      });
    });

    describe('email confirmations', () => {
      const ann = 'u1aaaaaaaaaaaaaaaaaaaaaa';
      const hashOf = (n: number) => new Uint8Array(32).fill(n);
      const token = (
        n: number,
        createdAt: number,
        extra: { email?: string; userId?: string } = {},
      ) => ({
        tokenHash: hashOf(n),
        userId: extra.userId ?? ann,
        email: extra.email ?? 'ann@example.org',
        createdAt,
        expiresAt: createdAt + 1000,
      });
      const withAnn = async () => {
        const storage = await open();
        await seedWorkspace(storage, {
          userId: ann,
          workspaceId: 'w1aaaaaaaaaaaaaaaaaaaaaa',
          documentIds: [],
        });
        return storage;
      };
      const confirmedAt = async (s: Storage, id = ann) =>
        (await s.users.findById(id))?.emailConfirmedAt ?? null;

      it('starts an account unconfirmed; a token confirms it once, and is then spent', async () => {
        const s = await withAnn();
        expect(await confirmedAt(s)).toBeNull();
        expect(await s.emailConfirmations.issue(token(1, 100), [])).toEqual({ issued: true });
        expect(await s.emailConfirmations.consume(hashOf(1), 500)).toEqual({
          userId: ann,
          email: 'ann@example.org',
        });
        expect(await confirmedAt(s)).toBe(500);
        // Used: it does nothing a second time, and the first time stands.
        expect(await s.emailConfirmations.consume(hashOf(1), 600)).toBeNull();
        expect(await confirmedAt(s)).toBe(500);
        await s.close();
      });

      it('refuses an unknown, expired or other-address token and changes nothing', async () => {
        const s = await withAnn();
        await s.emailConfirmations.issue(token(1, 100), []);
        // Made for an address the account no longer has (sent before a change of address).
        await s.emailConfirmations.issue(token(2, 100, { email: 'old@example.org' }), []);
        expect(await s.emailConfirmations.consume(hashOf(9), 200)).toBeNull();
        expect(await s.emailConfirmations.consume(hashOf(2), 200)).toBeNull();
        // Expires at createdAt + 1000: not usable at that moment or after.
        expect(await s.emailConfirmations.consume(hashOf(1), 1100)).toBeNull();
        expect(await confirmedAt(s)).toBeNull();
        await s.close();
      });

      it('lets only one of two uses at once succeed', async () => {
        const s = await withAnn();
        await s.emailConfirmations.issue(token(1, 100), []);
        const results = await Promise.all([
          s.emailConfirmations.consume(hashOf(1), 200),
          s.emailConfirmations.consume(hashOf(1), 201),
          s.emailConfirmations.consume(hashOf(1), 202),
        ]);
        expect(results.filter((r) => r !== null)).toHaveLength(1);
        await s.close();
      });

      it('spends the account’s other tokens when one is used', async () => {
        const s = await withAnn();
        await s.emailConfirmations.issue(token(1, 100), []);
        await s.emailConfirmations.issue(token(2, 200), []);
        expect(await s.emailConfirmations.consume(hashOf(2), 300)).not.toBeNull();
        expect(await s.emailConfirmations.consume(hashOf(1), 400)).toBeNull();
        await s.close();
      });

      it('does not confirm a deleted account, whose confirmation goes with its address', async () => {
        const s = await withAnn();
        await confirmedUser(s, 'u2aaaaaaaaaaaaaaaaaaaaaa');
        expect(await confirmedAt(s, 'u2aaaaaaaaaaaaaaaaaaaaaa')).not.toBeNull();
        await s.users.markDeleted('u2aaaaaaaaaaaaaaaaaaaaaa', 50);
        expect(await confirmedAt(s, 'u2aaaaaaaaaaaaaaaaaaaaaa')).toBeNull();
        await s.emailConfirmations.issue(token(1, 100), []);
        await s.users.markDeleted(ann, 150);
        expect(await s.emailConfirmations.consume(hashOf(1), 200)).toBeNull();
        expect(await confirmedAt(s)).toBeNull();
        await s.close();
      });

      it('issues no more than the limits allow, per account, and says when the next may be', async () => {
        const s = await withAnn();
        await confirmedUser(s, 'u2aaaaaaaaaaaaaaaaaaaaaa');
        const limits = [
          { windowMs: 60, max: 1 },
          { windowMs: 1000, max: 3 },
        ];
        expect(await s.emailConfirmations.issue(token(1, 100), limits)).toEqual({ issued: true });
        expect(await s.emailConfirmations.issue(token(2, 159), limits)).toEqual({
          issued: false,
          retryAt: 160,
        });
        // Another account's count is its own.
        const bobs = token(3, 159, { userId: 'u2aaaaaaaaaaaaaaaaaaaaaa', email: 'x@example.org' });
        expect(await s.emailConfirmations.issue(bobs, limits)).toEqual({ issued: true });
        expect(await s.emailConfirmations.issue(token(4, 160), limits)).toEqual({ issued: true });
        expect(await s.emailConfirmations.issue(token(5, 300), limits)).toEqual({ issued: true });
        // Three in the last 1000: the next once the first leaves the window.
        expect(await s.emailConfirmations.issue(token(6, 900), limits)).toEqual({
          issued: false,
          retryAt: 1100,
        });
        // A refused one was not stored: it cannot be used.
        expect(await s.emailConfirmations.consume(hashOf(6), 950)).toBeNull();
        expect(await s.emailConfirmations.issue(token(7, 1100), limits)).toEqual({ issued: true });
        await s.close();
      });

      it('counts sends per address too, across accounts and after one is erased', async () => {
        const s = await withAnn();
        const bob = 'u2aaaaaaaaaaaaaaaaaaaaaa';
        await confirmedUser(s, bob);
        const limits = [{ windowMs: 60, max: 1 }];
        expect(await s.emailConfirmations.issue(token(1, 100), limits)).toEqual({ issued: true });
        // Ann's account is deleted and its tokens erased; another account sends to the
        // address (in other letter case): the address was sent one within the minute.
        await s.users.markDeleted(ann, 110);
        await s.emailConfirmations.eraseForUser(ann);
        const again = token(2, 120, { userId: bob, email: 'ANN@example.org' });
        expect(await s.emailConfirmations.issue(again, limits)).toEqual({
          issued: false,
          retryAt: 160,
        });
        expect(await s.emailConfirmations.issue(token(3, 160, { userId: bob }), limits)).toEqual({
          issued: true,
        });
        await s.close();
      });

      it('tells a used token of a confirmed address from one that never confirmed it', async () => {
        const s = await withAnn();
        await s.emailConfirmations.issue(token(1, 100), []);
        await s.emailConfirmations.issue(token(2, 100), []);
        expect(await s.emailConfirmations.alreadyConfirmed(hashOf(1))).toBeNull();
        expect(await s.emailConfirmations.consume(hashOf(1), 200)).not.toBeNull();
        const confirmed = { userId: ann, email: 'ann@example.org' };
        expect(await s.emailConfirmations.alreadyConfirmed(hashOf(1))).toEqual(confirmed);
        // Spent by the first: also already confirmed.
        expect(await s.emailConfirmations.alreadyConfirmed(hashOf(2))).toEqual(confirmed);
        expect(await s.emailConfirmations.alreadyConfirmed(hashOf(9))).toBeNull();
        await s.users.markDeleted(ann, 300);
        expect(await s.emailConfirmations.alreadyConfirmed(hashOf(1))).toBeNull();
        await s.close();
      });

      it('uses two different tokens of one account at once without a deadlock: one confirms', async () => {
        const s = await withAnn();
        for (const n of [1, 2, 3, 4]) await s.emailConfirmations.issue(token(n, 100 + n), []);
        const results = await Promise.all(
          [1, 2, 3, 4].map((n) => s.emailConfirmations.consume(hashOf(n), 200 + n)),
        );
        expect(results.filter((r) => r !== null)).toHaveLength(1);
        expect(await confirmedAt(s)).not.toBeNull();
        await s.close();
      });

      it('lets two requests at once pass a limit only once', async () => {
        const s = await withAnn();
        const limits = [{ windowMs: 60_000, max: 1 }];
        const results = await Promise.all(
          [1, 2, 3].map((n) => s.emailConfirmations.issue(token(n, 100 + n), limits)),
        );
        expect(results.filter((r) => r.issued)).toHaveLength(1);
        await s.close();
      });

      it('forgets a person’s tokens with their account', async () => {
        const s = await withAnn();
        await s.emailConfirmations.issue(token(1, 100), []);
        await s.emailConfirmations.eraseForUser(ann);
        expect(await s.emailConfirmations.consume(hashOf(1), 200)).toBeNull();
        expect(await confirmedAt(s)).toBeNull();
        await s.close();
      });
    });

    describe('preferences', () => {
      it('emails mentions unless turned off, keeps each person’s choice apart, and forgets it with the account', async () => {
        const s = await open();
        const ann = 'u1aaaaaaaaaaaaaaaaaaaaaa';
        const bob = 'u2aaaaaaaaaaaaaaaaaaaaaa';
        expect(await s.preferences.get(ann)).toEqual({ emailMentions: true });
        await s.preferences.set(ann, { emailMentions: false }, 10);
        expect(await s.preferences.get(ann)).toEqual({ emailMentions: false });
        expect(await s.preferences.get(bob)).toEqual({ emailMentions: true });
        await s.preferences.set(ann, { emailMentions: true }, 20);
        expect(await s.preferences.get(ann)).toEqual({ emailMentions: true });
        await s.preferences.set(ann, { emailMentions: false }, 30);
        await s.preferences.eraseForUser(ann);
        expect(await s.preferences.get(ann)).toEqual({ emailMentions: true });
        await s.close();
      });
    });

    describe('document status', () => {
      const doc = 'd1aaaaaaaaaaaaaaaaaaaaaa';
      const ann = 'u1aaaaaaaaaaaaaaaaaaaaaa';
      const record = (version: number, status: string): LifecycleRecord => ({
        documentId: doc,
        status,
        leads: { staff_lead: ann, co_chair: 'u2aaaaaaaaaaaaaaaaaaaaaa' },
        approvals: version > 2 ? { staff_lead: 1_700_000_000_123 } : {},
        version,
        changedAt: 1_700_000_000_000 + version,
        changedBy: ann,
      });
      const withDocument = async () => {
        const storage = await open();
        await seedWorkspace(storage, {
          userId: ann,
          workspaceId: 'w1aaaaaaaaaaaaaaaaaaaaaa',
          documentIds: [doc],
        });
        return storage;
      };

      it('writes only over the version it was read at, and reads back what it wrote', async () => {
        const s = await withDocument();
        expect(await s.lifecycles.get(doc)).toBeNull();
        expect(await s.lifecycles.save(record(1, 'in_review'))).toBe(true);
        // Someone else also wrote the first record: refused.
        expect(await s.lifecycles.save(record(1, 'draft'))).toBe(false);
        expect(await s.lifecycles.save(record(2, 'draft'))).toBe(true);
        expect(await s.lifecycles.save(record(2, 'in_review'))).toBe(false);
        expect(await s.lifecycles.save(record(4, 'approved'))).toBe(false);
        expect(await s.lifecycles.save(record(3, 'in_review'))).toBe(true);
        expect(await s.lifecycles.get(doc)).toEqual(record(3, 'in_review'));
        await s.close();
      });

      it('writes a change and its audit entries together, or neither', async () => {
        const s = await withDocument();
        const entry = {
          at: 1_700_000_000_001,
          actorId: ann,
          workspaceId: 'w1aaaaaaaaaaaaaaaaaaaaaa',
          action: 'document.status_changed' as const,
          target: doc,
          details: { from: 'draft', to: 'in_review' },
          ip: null,
        };
        expect(await s.lifecycles.save(record(1, 'in_review'), [entry])).toBe(true);
        // A stale write records no entry.
        expect(await s.lifecycles.save(record(1, 'draft'), [{ ...entry, at: 5 }])).toBe(false);
        const logged = () => s.audit.query('w1aaaaaaaaaaaaaaaaaaaaaa', { limit: 10 });
        expect((await logged()).map((e) => [e.action, e.at])).toEqual([
          ['document.status_changed', 1_700_000_000_001],
        ]);
        // An entry the log refuses (no action) takes the change back with it.
        const broken = { ...entry, action: null as unknown as typeof entry.action };
        await expect(s.lifecycles.save(record(2, 'draft'), [broken])).rejects.toThrow();
        expect((await s.lifecycles.get(doc))?.status).toBe('in_review');
        expect(await logged()).toHaveLength(1);
        await s.close();
      });

      it('goes when the workspace is erased', async () => {
        const s = await withDocument();
        await s.lifecycles.save(record(1, 'in_review'));
        await s.workspaces.erase('w1aaaaaaaaaaaaaaaaaaaaaa');
        expect(await s.lifecycles.get(doc)).toBeNull();
        await s.close();
      });
    });
  });
}
