import {
  bidDocumentContentTypes,
  bidDocumentLimits,
  clarificationAnswerInputSchema,
  clarificationQuestionInputSchema,
  ErrorId,
  idSchema,
  seenByHeaderSchema,
  sizeInWords,
} from '@chorus/shared';
import { type Context, Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { AppError } from '../../errors.ts';
import { authorizeDocument } from '../../http/authorize.ts';
import type { AppEnv } from '../../http/env.ts';
import { parseJson, parseParam } from '../../http/middleware.ts';
import {
  addBidDocument,
  bidsView,
  readBidDocument,
  removeBidDocument,
} from '../../services/evaluations/bidDocuments.ts';
import {
  askClarification,
  recordClarificationAnswer,
} from '../../services/evaluations/clarifications.ts';
import { evaluationContext } from './evaluationContext.ts';

const notFound = (what: string) =>
  new AppError(ErrorId.notFound, `That ${what} is not part of this evaluation. Reload the page.`);
const bidParam = (c: Context) => parseParam(c.req.param('bidId'), idSchema, notFound('bid'));

/**
 * Uploads are the one API request with a large body: the app-wide 64 KiB limit lets this
 * route alone through (`app.ts`), and this one holds it to one file's size.
 */
export const isBidDocumentUpload = (method: string, path: string) =>
  method === 'POST' && /^\/api\/documents\/[^/]+\/evaluation\/bids\/[^/]+\/documents$/.test(path);

const uploadLimit = bodyLimit({
  maxSize: bidDocumentLimits.maxBytes,
  onError: () => {
    throw new AppError(
      ErrorId.badRequest,
      `The file is larger than ${sizeInWords(bidDocumentLimits.maxBytes)}, the most a bid’s document can be. Split it into parts, or make it smaller (for example, scan at a lower resolution), then upload it again.`,
    );
  },
});

/**
 * The file's name comes percent-encoded (UTF-8) in `X-File-Name`, since headers carry
 * only Latin-1; the body is the file's bytes, whatever Content-Type the browser claims.
 */
function fileNameOf(c: Context): string {
  const header = c.req.header('x-file-name');
  if (header === undefined || header === '') {
    throw new AppError(
      ErrorId.badRequest,
      'Send the file’s name in the X-File-Name header, percent-encoded (encodeURIComponent).',
    );
  }
  try {
    return decodeURIComponent(header);
  } catch {
    throw new AppError(
      ErrorId.badRequest,
      'The file’s name could not be read: send it percent-encoded as UTF-8 (encodeURIComponent).',
    );
  }
}

/** RFC 5987 encoding for `filename*`: percent-encoded UTF-8, with ' ( ) * escaped too. */
const rfc5987 = (s: string) =>
  encodeURIComponent(s).replace(
    /['()*]/g,
    (ch) => `%${ch.charCodeAt(0).toString(16).toUpperCase()}`,
  );

/**
 * A procurement evaluation's bids: their documents (added while setting up) and the
 * clarification questions and answers (from scoring until sign-off). Rules:
 * services/evaluations/bidDocuments.ts and clarifications.ts. Each change is audited in the
 * same transaction as it is written (`entry`); a download, which changes nothing, after.
 */
export const bidDocumentRoutes = new Hono<AppEnv>()
  .get('/:id/evaluation/bids', async (c) => {
    const { storage, document, actor } = await evaluationContext(c);
    return c.json(await bidsView(storage, document, actor));
  })
  .post(
    '/:id/evaluation/bids/:bidId/documents',
    // Only someone who may open the document gets the server to take a large body in (a
    // body without Content-Length is read into memory by the limit, before the handler).
    async (c, next) => {
      await authorizeDocument(c, 'document.view');
      await next();
    },
    uploadLimit,
    async (c) => {
      const { storage, document, actor, entry } = await evaluationContext(c);
      const bidId = bidParam(c);
      const name = fileNameOf(c);
      const seenBy = seenByHeaderSchema.safeParse(c.req.header('x-seen-by'));
      if (!seenBy.success) {
        throw new AppError(
          ErrorId.badRequest,
          seenBy.error.issues[0]?.message ?? 'Say who may open the file.',
        );
      }
      const bytes = new Uint8Array(await c.req.arrayBuffer());
      await addBidDocument(
        storage,
        document,
        actor,
        { bidId, name, bytes, seenBy: seenBy.data },
        entry('evaluation.bid_document_added'),
      );
      return c.json(await bidsView(storage, document, actor), 201);
    },
  )
  .get('/:id/evaluation/bids/:bidId/documents/:fileId', async (c) => {
    const { storage, document, actor, audit } = await evaluationContext(c);
    const bidId = bidParam(c);
    const fileId = parseParam(c.req.param('fileId'), idSchema, notFound('document'));
    const { record, bytes, shownName } = await readBidDocument(
      storage,
      document,
      actor,
      bidId,
      fileId,
    );
    await audit('evaluation.bid_document_downloaded', { bidId, fileId, name: record.name });
    // The name was checked on upload (no quotes' tricks, controls or slashes); the plain
    // fallback keeps printable ASCII only, for clients that ignore filename*.
    const fallback = shownName.replace(/[^\x20-\x7e]|["\\%]/g, '_');
    return c.body(bytes, 200, {
      'Content-Type': bidDocumentContentTypes[record.kind],
      'Content-Disposition': `attachment; filename="${fallback}"; filename*=UTF-8''${rfc5987(shownName)}`,
      'X-Content-Type-Options': 'nosniff',
      // Opened in the browser anyway (dragged into a tab, say), a file runs nothing and
      // reaches nothing: no scripts, no same origin, no loads.
      'Content-Security-Policy': "default-src 'none'; sandbox; frame-ancestors 'none'",
      'Cross-Origin-Resource-Policy': 'same-origin',
    });
  })
  .delete('/:id/evaluation/bids/:bidId/documents/:fileId', async (c) => {
    const { storage, document, actor, entry } = await evaluationContext(c);
    const bidId = bidParam(c);
    const fileId = parseParam(c.req.param('fileId'), idSchema, notFound('document'));
    await removeBidDocument(
      storage,
      document,
      actor,
      bidId,
      fileId,
      entry('evaluation.bid_document_removed'),
    );
    return c.json(await bidsView(storage, document, actor));
  })
  .post('/:id/evaluation/bids/:bidId/clarifications', async (c) => {
    const { storage, document, actor, entry } = await evaluationContext(c);
    const bidId = bidParam(c);
    const input = await parseJson(c, clarificationQuestionInputSchema);
    await askClarification(
      storage,
      document,
      actor,
      bidId,
      input,
      entry('evaluation.clarification_asked'),
    );
    return c.json(await bidsView(storage, document, actor), 201);
  })
  .post('/:id/evaluation/bids/:bidId/clarifications/:clarificationId/answers', async (c) => {
    const { storage, document, actor, entry } = await evaluationContext(c);
    const bidId = bidParam(c);
    const clarificationId = parseParam(
      c.req.param('clarificationId'),
      idSchema,
      notFound('clarification question'),
    );
    const input = await parseJson(c, clarificationAnswerInputSchema);
    await recordClarificationAnswer(
      storage,
      document,
      actor,
      bidId,
      clarificationId,
      input,
      entry('evaluation.clarification_answered'),
    );
    return c.json(await bidsView(storage, document, actor), 201);
  });
