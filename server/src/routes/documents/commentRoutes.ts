import {
  commentTextSchema,
  createSuggestionSchema,
  createThreadSchema,
  decideSuggestionSchema,
  ErrorId,
  idSchema,
  resolveThreadSchema,
  reviseSuggestionSchema,
  withdrawSuggestionSchema,
} from '@chorus/shared';
import type { Context } from 'hono';
import { Hono } from 'hono';
import { AppError } from '../../errors.ts';
import { authorizeDocument } from '../../http/authorize.ts';
import type { AppEnv } from '../../http/env.ts';
import { parseJson, parseParam } from '../../http/middleware.ts';
import * as comments from '../../services/comments.ts';
import * as suggestions from '../../services/suggestions.ts';

const notFound = (what: string) =>
  new AppError(
    ErrorId.notFound,
    `That ${what} does not exist in this document. Reload the comments.`,
  );

/** Where a comment route works: the document, checked against the caller's permission. */
async function commentWhere(
  c: Context<AppEnv>,
  action: 'document.view' | 'document.comment' | 'document.edit',
) {
  const access = await authorizeDocument(c, action);
  const { storage, live, people, config } = c.var.services;
  return {
    ...access,
    where: {
      storage,
      live,
      people,
      mail: config.mail,
      documentId: access.document.id,
      workspaceId: access.document.workspaceId,
    },
  };
}

/**
 * Comment threads anchored to the text, and suggested edits. Reading needs view access,
 * writing the commenter permission or above; only a comment's author changes or deletes it. Each change is
 * announced to everyone with the document open (`SyncServer.notify`).
 */
export const commentRoutes = new Hono<AppEnv>()
  .get('/:id/threads', async (c) => {
    const { where, document } = await commentWhere(c, 'document.view');
    const [threads, mentionable] = await Promise.all([
      comments.listThreads(where),
      comments.mentionable(where, document.restricted),
    ]);
    return c.json({ threads, mentionable });
  })
  .post('/:id/threads', async (c) => {
    const { where, user, membership } = await commentWhere(c, 'document.comment');
    const input = await parseJson(c, createThreadSchema);
    const id = await comments.openThread(
      where,
      { userId: user.id, participantRole: membership.participantRole },
      input,
    );
    return c.json({ id }, 201);
  })
  .post('/:id/threads/:threadId/replies', async (c) => {
    const { where, user, membership } = await commentWhere(c, 'document.comment');
    const threadId = parseParam(c.req.param('threadId'), idSchema, notFound('thread'));
    const input = await parseJson(c, commentTextSchema);
    await comments.reply(
      where,
      { userId: user.id, participantRole: membership.participantRole },
      threadId,
      input,
    );
    return c.json({ ok: true }, 201);
  })
  // A suggested edit is a thread that proposes new words; commenters may suggest, and
  // only those who may edit the text accept or reject.
  .post('/:id/suggestions', async (c) => {
    const { where, user, membership } = await commentWhere(c, 'document.comment');
    const input = await parseJson(c, createSuggestionSchema);
    const id = await suggestions.suggest(
      where,
      { userId: user.id, participantRole: membership.participantRole },
      input,
    );
    return c.json({ id }, 201);
  })
  .put('/:id/suggestions/:threadId/decision', async (c) => {
    const { where, user } = await commentWhere(c, 'document.edit');
    const threadId = parseParam(c.req.param('threadId'), idSchema, notFound('suggestion'));
    const input = await parseJson(c, decideSuggestionSchema);
    await suggestions.decide(where, user.id, threadId, input.outcome, input.as);
    return c.json({ ok: true });
  })
  // Its suggester withdraws it, as their page listed it (suggesting mode).
  .post('/:id/suggestions/:threadId/withdrawal', async (c) => {
    const { where, user, membership } = await commentWhere(c, 'document.comment');
    const threadId = parseParam(c.req.param('threadId'), idSchema, notFound('suggestion'));
    const input = await parseJson(c, withdrawSuggestionSchema);
    await suggestions.withdraw(
      where,
      { userId: user.id, participantRole: membership.participantRole },
      threadId,
      input.as,
    );
    return c.json({ ok: true });
  })
  // Its suggester merges more words typed at its place into it (suggesting mode).
  .put('/:id/suggestions/:threadId', async (c) => {
    const { where, user, membership } = await commentWhere(c, 'document.comment');
    const threadId = parseParam(c.req.param('threadId'), idSchema, notFound('suggestion'));
    const input = await parseJson(c, reviseSuggestionSchema);
    await suggestions.revise(
      where,
      { userId: user.id, participantRole: membership.participantRole },
      threadId,
      input,
    );
    return c.json({ ok: true });
  })
  .put('/:id/threads/:threadId/resolved', async (c) => {
    const { where, user } = await commentWhere(c, 'document.comment');
    const threadId = parseParam(c.req.param('threadId'), idSchema, notFound('thread'));
    const input = await parseJson(c, resolveThreadSchema);
    await comments.setResolved(where, user.id, threadId, input.resolved);
    return c.json({ ok: true });
  })
  .patch('/:id/comments/:commentId', async (c) => {
    const { where, user } = await commentWhere(c, 'document.comment');
    const commentId = parseParam(c.req.param('commentId'), idSchema, notFound('comment'));
    const input = await parseJson(c, commentTextSchema);
    await comments.editComment(where, user.id, commentId, input);
    return c.json({ ok: true });
  })
  .delete('/:id/comments/:commentId', async (c) => {
    const { where, user } = await commentWhere(c, 'document.comment');
    const commentId = parseParam(c.req.param('commentId'), idSchema, notFound('comment'));
    await comments.deleteComment(where, user.id, commentId);
    return c.json({ ok: true });
  });
