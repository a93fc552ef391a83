import { errorBodySchema } from '@chorus/shared';
import type { z } from 'zod';

/** An error answer from the API, with the server's message and per-field messages. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly id: string,
    message: string,
    readonly fields: Record<string, string> = {},
  ) {
    super(message);
  }
}

/**
 * Calls the Chorus HTTP API on the same origin. The browser sends the session cookie and
 * the Origin header itself; responses are parsed with the shared schema when given.
 */
export async function api<T = unknown>(
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE',
  path: string,
  body?: unknown,
  schema?: z.ZodType<T>,
): Promise<T> {
  let response: Response;
  try {
    response = await fetch(`/api${path}`, {
      method,
      credentials: 'same-origin',
      headers: body === undefined ? {} : { 'Content-Type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch {
    throw new ApiError(
      0,
      'network',
      'Chorus could not reach the server. Check your connection and try again.',
    );
  }
  const json: unknown = await response.json().catch(() => null);
  if (!response.ok) {
    const parsed = errorBodySchema.safeParse(json);
    if (parsed.success) {
      const { id, message, fields } = parsed.data.error;
      throw new ApiError(response.status, id, message, fields ?? {});
    }
    throw new ApiError(
      response.status,
      'unknown',
      `The server answered ${response.status}. Try again.`,
    );
  }
  return schema ? schema.parse(json) : (json as T);
}
