import type { AuditAction } from '@chorus/shared';
import { describe, expect, it } from 'vitest';
import type { AuditEntry, BidDocumentRecord, Storage } from './types.ts';

/**
 * Part of the storage contract (`storageContract` runs it on every backend): each write of
 * an evaluation or of its bids writes its audit entries in the same transaction as its
 * change. The entry is there with the change, a refused change writes none, and an entry
 * the log refuses takes the change back with it.
 */
export function auditedWritesContract(
  /** A storage with Ann's workspace and document (`seedWorkspace`), as the contract's own. */
  open: () => Promise<Storage>,
  ids: { userId: string; workspaceId: string; documentId: string },
): void {
  const { userId: ann, workspaceId, documentId: doc } = ids;
  const entry = (action: AuditAction, details: Record<string, unknown> = {}): AuditEntry => ({
    at: 1_700_000_000_000,
    actorId: ann,
    workspaceId,
    action,
    target: doc,
    details,
    ip: null,
  });
  /** The options of a write that records one entry. */
  const a = (action: AuditAction, details: Record<string, unknown> = {}) => ({
    audit: [entry(action, details)],
  });
  /** An entry the audit log refuses (it has no action), as a failed audit write would be. */
  const unloggable = (action: AuditAction): AuditEntry => ({
    ...entry(action),
    action: null as unknown as AuditAction,
  });
  const broken = (action: AuditAction) => ({ audit: [unloggable(action)] });
  /** The log's entries, oldest first, as [action, details]. */
  const logged = async (s: Storage) =>
    (await s.audit.query(workspaceId, { limit: 100 }))
      .sort((x, y) => x.id - y.id)
      .map((e) => [e.action, e.details]);

  describe('evaluation writes with their audit entries', () => {
    // Not an account: a panel and a declaration name whom they like.
    const ben = 'u2aaaaaaaaaaaaaaaaaaaaaa';
    const evaluationSetup = {
      criteria: [
        { id: 'c1', title: 'Quality', scale: '0-4' as const, weight: 100, threshold: null },
      ],
      bids: [
        { id: 'b1', bidder: 'Provider A' },
        { id: 'b2', bidder: 'Provider B' },
      ],
    };
    const panel = [
      { userId: ann, panelRole: 'evaluator' as const },
      { userId: ben, panelRole: 'chair' as const },
    ];
    const agreed = { bidId: 'b1', criterionId: 'c1', score: 2, rationale: 'Agreed.', reason: null };
    const conflicted = {
      confidential: true as const,
      conflict: true,
      details: 'Sister at Provider A.',
      lots: null,
    };

    it('writes each change of an evaluation with its audit entry, and a refused change with none', async () => {
      const s = await open();
      // Being set up: only the set-up may change.
      expect(
        await s.evaluations.saveSetup(doc, evaluationSetup, panel, 1, a('evaluation.setup_saved')),
      ).toBe(true);
      expect(await s.evaluations.changePanel(doc, panel, 2, a('evaluation.chair_changed'))).toBe(
        false,
      );
      expect(await s.evaluations.revealNames(doc, 2, a('evaluation.names_revealed'))).toBe(false);
      expect(await s.evaluations.declare(doc, ann, conflicted, 2, a('evaluation.declared'))).toBe(
        'closed',
      );
      expect(await s.evaluations.submit(doc, ann, 2, a('evaluation.scores_submitted'))).toBe(false);
      expect(
        await s.evaluations.putAgreed(doc, agreed, ann, 2, null, a('evaluation.score_agreed')),
      ).toBe('closed');
      expect(
        await s.evaluations.startRound(doc, 'Too early', ben, 2, {
          audit: () => [entry('evaluation.round_started')],
        }),
      ).toBeNull();
      expect(await logged(s)).toEqual([['evaluation.setup_saved', {}]]);

      await s.evaluations.transition(doc, 'setup', 'scoring', 3);
      expect(
        await s.evaluations.saveSetup(doc, evaluationSetup, [], 4, a('evaluation.setup_saved')),
      ).toBe(false);
      expect(
        await s.evaluations.allowConflict(doc, ann, 'None declared', ben, 4, {
          audit: [entry('evaluation.conflict_exception', { userId: ann })],
        }),
      ).toBe(false);
      expect(await s.evaluations.declare(doc, ann, conflicted, 5, a('evaluation.declared'))).toBe(
        'saved',
      );
      expect(
        await s.evaluations.allowConflict(doc, ann, 'Chair checks.', ben, 6, {
          audit: [entry('evaluation.conflict_exception', { userId: ann })],
        }),
      ).toBe(true);
      expect(await s.evaluations.submit(doc, ann, 7, a('evaluation.scores_submitted'))).toBe(true);
      // Submitting again changes nothing (the first time stays), so it records nothing.
      expect(await s.evaluations.submit(doc, ann, 8, a('evaluation.scores_submitted'))).toBe(true);
      expect(await s.evaluations.changePanel(doc, panel, 9, a('evaluation.chair_changed'))).toBe(
        true,
      );
      expect(await s.evaluations.revealNames(doc, 10, a('evaluation.names_revealed'))).toBe(true);
      expect(await s.evaluations.revealNames(doc, 11, a('evaluation.names_revealed'))).toBe(false);

      await s.evaluations.transition(doc, 'scoring', 'moderation', 12);
      expect(
        await s.evaluations.putAgreed(doc, agreed, ann, 13, null, a('evaluation.score_agreed')),
      ).toBe('saved');
      // A form loaded before that save is stale: refused, and not on record.
      expect(
        await s.evaluations.putAgreed(doc, agreed, ann, 14, null, a('evaluation.score_agreed')),
      ).toBe('stale');
      // A round's entry is made from what the write stored: its number, and whether it
      // reopens a signed-off evaluation.
      const roundEntry = {
        audit: ({ round, afterSignOff }: { round: number; afterSignOff: boolean }) => [
          entry('evaluation.round_started', { round, correction: afterSignOff }),
        ],
      };
      expect(await s.evaluations.startRound(doc, 'Clarifications', ben, 15, roundEntry)).toBe(2);
      await s.evaluations.transition(doc, 'moderation', 'signed_off', 16);
      expect(await s.evaluations.startRound(doc, 'Arithmetic slip', ben, 17, roundEntry)).toBe(3);
      expect(await s.evaluations.get(doc)).toMatchObject({ state: 'moderation', round: 3 });

      expect(await logged(s)).toEqual([
        ['evaluation.setup_saved', {}],
        ['evaluation.declared', {}],
        ['evaluation.conflict_exception', { userId: ann }],
        ['evaluation.scores_submitted', {}],
        ['evaluation.chair_changed', {}],
        ['evaluation.names_revealed', {}],
        ['evaluation.score_agreed', {}],
        ['evaluation.round_started', { round: 2, correction: false }],
        ['evaluation.round_started', { round: 3, correction: true }],
      ]);
      await s.close();
    });

    it('takes a change of an evaluation back when the audit log refuses its entry', async () => {
      const s = await open();
      await expect(
        s.evaluations.saveSetup(doc, evaluationSetup, panel, 1, broken('evaluation.setup_saved')),
      ).rejects.toThrow();
      expect(await s.evaluations.get(doc)).toBeNull();
      await s.evaluations.saveSetup(doc, evaluationSetup, panel, 1);
      await expect(
        s.evaluations.saveSetup(doc, evaluationSetup, [], 2, broken('evaluation.setup_saved')),
      ).rejects.toThrow();
      expect((await s.evaluations.get(doc))?.panel).toEqual(panel);

      await s.evaluations.transition(doc, 'setup', 'scoring', 3);
      await expect(
        s.evaluations.declare(doc, ann, conflicted, 4, broken('evaluation.declared')),
      ).rejects.toThrow();
      expect(await s.evaluations.declarations(doc)).toEqual([]);
      // Nor is it kept among the declarations made.
      expect(await s.evaluations.declarationHistory(doc)).toEqual([]);
      await s.evaluations.declare(doc, ann, conflicted, 4);
      await expect(
        s.evaluations.allowConflict(
          doc,
          ann,
          'Chair checks.',
          ben,
          5,
          broken('evaluation.conflict_exception'),
        ),
      ).rejects.toThrow();
      expect((await s.evaluations.declarations(doc))[0]?.exception).toBeNull();
      expect((await s.evaluations.declarationHistory(doc))[0]?.exception).toBeNull();
      await expect(
        s.evaluations.submit(doc, ann, 6, broken('evaluation.scores_submitted')),
      ).rejects.toThrow();
      expect(await s.evaluations.submissions(doc)).toEqual([]);
      await expect(
        s.evaluations.changePanel(doc, [], 7, broken('evaluation.chair_changed')),
      ).rejects.toThrow();
      expect((await s.evaluations.get(doc))?.panel).toEqual(panel);
      await expect(
        s.evaluations.revealNames(doc, 8, broken('evaluation.names_revealed')),
      ).rejects.toThrow();
      expect((await s.evaluations.get(doc))?.namesRevealedAt).toBeNull();

      await s.evaluations.transition(doc, 'scoring', 'moderation', 9);
      await expect(
        s.evaluations.putAgreed(doc, agreed, ann, 10, null, broken('evaluation.score_agreed')),
      ).rejects.toThrow();
      expect(await s.evaluations.agreedScores(doc)).toEqual([]);
      await expect(
        s.evaluations.startRound(doc, 'Clarifications', ben, 11, {
          audit: () => [unloggable('evaluation.round_started')],
        }),
      ).rejects.toThrow();
      expect(await s.evaluations.get(doc)).toMatchObject({ state: 'moderation', round: 1 });
      expect(await s.evaluations.rounds(doc)).toEqual([]);
      expect(await logged(s)).toEqual([]);
      await s.close();
    });
  });

  describe('bid writes with their audit entries', () => {
    const twoBids = {
      criteria: [],
      bids: [
        { id: 'b1', bidder: 'Provider A' },
        { id: 'b2', bidder: 'Provider B' },
      ],
    };
    const file = (id: string, bidId = 'b1'): BidDocumentRecord => ({
      id,
      documentId: doc,
      bidId,
      name: `${id}.pdf`,
      kind: 'pdf',
      size: 6,
      sha256: 'ab'.repeat(32),
      uploadedBy: ann,
      uploadedAt: 1_700_000_000_000,
      seenBy: null,
    });
    const pdf = new Uint8Array([0x25, 0x50, 0x44, 0x46, 0x2d, 0]);
    const question = (id: string, bidId = 'b1') => ({
      id,
      documentId: doc,
      bidId,
      question: 'How will you staff rural clinics?',
      askedBy: ann,
      askedAt: 10,
    });
    const answer = (id: string, clarificationId = 'q1') => ({
      id,
      clarificationId,
      documentId: doc,
      answer: `Answer ${id}`,
      receivedOn: '2026-02-28',
      reason: '',
      recordedBy: ann,
      recordedAt: 20,
    });

    it('writes each change of a bid with its audit entry, and a refused change with none', async () => {
      const s = await open();
      const added = (id: string) => a('evaluation.bid_document_added', { fileId: id });
      const removed = (id: string) => a('evaluation.bid_document_removed', { fileId: id });
      expect(await s.bids.addDocument(file('f0'), pdf, 1, added('f0'))).toBe('closed');
      await s.evaluations.saveSetup(doc, twoBids, [], 1);
      expect(await s.bids.addDocument(file('f1'), pdf, 1, added('f1'))).toBe('saved');
      expect(await s.bids.addDocument(file('f2'), pdf, 1, added('f2'))).toBe('full');
      expect(await s.bids.addDocument(file('f3', 'nope'), pdf, 1, added('f3'))).toBe('no_bid');
      expect(await s.bids.addDocument(file('f4', 'b2'), pdf, 1, added('f4'))).toBe('saved');
      expect(await s.bids.removeDocument(doc, 'f4', removed('f4'))).toBe('removed');
      expect(await s.bids.removeDocument(doc, 'f4', removed('f4'))).toBe('missing');
      const asked = (id: string) => a('evaluation.clarification_asked', { clarificationId: id });
      const answered = (id: string) => a('evaluation.clarification_answered', { answerId: id });
      expect(await s.bids.ask(question('q0'), asked('q0'))).toBe('closed');

      await s.evaluations.transition(doc, 'setup', 'scoring', 2);
      expect(await s.bids.addDocument(file('f5'), pdf, 30, added('f5'))).toBe('closed');
      expect(await s.bids.removeDocument(doc, 'f1', removed('f1'))).toBe('closed');
      expect(await s.bids.ask(question('q2', 'nope'), asked('q2'))).toBe('no_bid');
      expect(await s.bids.ask(question('q1'), asked('q1'))).toBe('saved');
      expect(await s.bids.answer(answer('a0', 'q9'), null, answered('a0'))).toBe('missing');
      expect(await s.bids.answer(answer('a1'), null, answered('a1'))).toBe('saved');
      expect(await s.bids.answer(answer('a2'), null, answered('a2'))).toBe('stale');
      expect(await s.bids.answer(answer('a2'), 'a1', answered('a2'))).toBe('saved');
      await s.evaluations.transition(doc, 'scoring', 'moderation', 3);
      await s.evaluations.transition(doc, 'moderation', 'signed_off', 4);
      expect(await s.bids.ask(question('q3'), asked('q3'))).toBe('closed');
      expect(await s.bids.answer(answer('a3'), 'a2', answered('a3'))).toBe('closed');

      expect(await logged(s)).toEqual([
        ['evaluation.bid_document_added', { fileId: 'f1' }],
        ['evaluation.bid_document_added', { fileId: 'f4' }],
        ['evaluation.bid_document_removed', { fileId: 'f4' }],
        ['evaluation.clarification_asked', { clarificationId: 'q1' }],
        ['evaluation.clarification_answered', { answerId: 'a1' }],
        ['evaluation.clarification_answered', { answerId: 'a2' }],
      ]);
      await s.close();
    });

    it('takes a change of a bid back when the audit log refuses its entry', async () => {
      const s = await open();
      await s.evaluations.saveSetup(doc, twoBids, [], 1);
      await expect(
        s.bids.addDocument(file('f1'), pdf, 30, broken('evaluation.bid_document_added')),
      ).rejects.toThrow();
      expect(await s.bids.documents(doc)).toEqual([]);
      expect(await s.bids.documentBytes(doc, 'f1')).toBeNull();
      await s.bids.addDocument(file('f1'), pdf, 30);
      await expect(
        s.bids.removeDocument(doc, 'f1', broken('evaluation.bid_document_removed')),
      ).rejects.toThrow();
      expect(await s.bids.documentBytes(doc, 'f1')).toEqual({ record: file('f1'), bytes: pdf });

      await s.evaluations.transition(doc, 'setup', 'scoring', 2);
      await expect(
        s.bids.ask(question('q1'), broken('evaluation.clarification_asked')),
      ).rejects.toThrow();
      expect(await s.bids.clarifications(doc)).toEqual([]);
      await s.bids.ask(question('q1'));
      await expect(
        s.bids.answer(answer('a1'), null, broken('evaluation.clarification_answered')),
      ).rejects.toThrow();
      expect(await s.bids.answers(doc)).toEqual([]);
      // Taken back whole: the first answer is still to come, not a correction of one.
      expect(await s.bids.answer(answer('a1'), null)).toBe('saved');
      expect(await logged(s)).toEqual([]);
      await s.close();
    });
  });
}
