import { z } from 'zod';

/** Stable error ids of the HTTP API; each maps to one status code in the server. */
export const ErrorId = {
  badRequest: 'bad_request',
  unauthenticated: 'unauthenticated',
  forbidden: 'forbidden',
  notFound: 'not_found',
  conflict: 'conflict',
  tooManyRequests: 'too_many_requests',
  crossSite: 'cross_site_request',
  internal: 'internal',
  /** Something the request needs, outside Chorus (the mail server), did not answer. */
  unavailable: 'unavailable',
} as const;
export type ErrorId = (typeof ErrorId)[keyof typeof ErrorId];

export const errorBodySchema = z.object({
  error: z.object({
    id: z.string(),
    message: z.string(),
    fields: z.record(z.string(), z.string()).optional(),
  }),
});
export type ErrorBody = z.infer<typeof errorBodySchema>;
