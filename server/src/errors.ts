import { ErrorId } from '@chorus/shared';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { z } from 'zod';

const statusOf: Record<ErrorId, ContentfulStatusCode> = {
  [ErrorId.badRequest]: 400,
  [ErrorId.unauthenticated]: 401,
  [ErrorId.forbidden]: 403,
  [ErrorId.notFound]: 404,
  [ErrorId.conflict]: 409,
  [ErrorId.tooManyRequests]: 429,
  [ErrorId.crossSite]: 403,
  [ErrorId.internal]: 500,
  [ErrorId.unavailable]: 503,
};

/** The one error type routes throw; `app.ts` maps it to `{ error: { id, message } }`. */
export class AppError extends Error {
  readonly status: ContentfulStatusCode;
  constructor(
    readonly id: ErrorId,
    message: string,
    readonly fields?: Record<string, string>,
    readonly headers?: Record<string, string>,
  ) {
    super(message);
    this.status = statusOf[id];
  }
}

/** Turns a zod failure into a 400 with a message per field, so forms can show each one. */
export function validationError(error: z.ZodError): AppError {
  const fields: Record<string, string> = {};
  for (const issue of error.issues) {
    const key = issue.path.length > 0 ? issue.path.join('.') : '_';
    fields[key] ??= issue.message;
  }
  const first = Object.values(fields)[0] ?? 'The request was not valid.';
  return new AppError(ErrorId.badRequest, first, fields);
}

/** The answer for a document or workspace that does not exist or is not the person's. */
export const notFoundOrNotYours = (what: 'document' | 'workspace') =>
  new AppError(
    ErrorId.notFound,
    `This ${what} does not exist, or you are not a member of its workspace. Ask its owner to add you.`,
  );
