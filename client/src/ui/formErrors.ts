import type { z } from 'zod';
import { ApiError } from '../api/http.ts';

export type FieldErrors<K extends string> = Partial<Record<K, string>>;

export type Validation<T, K extends string> =
  | { ok: true; data: T }
  | { ok: false; errors: FieldErrors<K> };

/** Runs a shared schema over form values and keeps the first message per field. */
export function validate<S extends z.ZodType, K extends string>(
  schema: S,
  values: Record<K, unknown>,
): Validation<z.infer<S>, K> {
  const parsed = schema.safeParse(values);
  if (parsed.success) return { ok: true, data: parsed.data };
  const errors: FieldErrors<K> = {};
  for (const issue of parsed.error.issues) {
    const key = String(issue.path[0] ?? '') as K;
    if (key in values && errors[key] === undefined) errors[key] = issue.message;
  }
  return { ok: false, errors };
}

/** Splits an API failure into per-field messages (for known fields) and a form message. */
export function fromApiError<K extends string>(
  error: unknown,
  fieldNames: readonly K[],
): { message: string; errors: FieldErrors<K> } {
  if (!(error instanceof ApiError)) {
    return { message: 'Something went wrong. Try again.', errors: {} };
  }
  const errors: FieldErrors<K> = {};
  for (const name of fieldNames) {
    const fieldMessage = error.fields[name];
    if (fieldMessage) errors[name] = fieldMessage;
  }
  return { message: error.message, errors };
}

/** The summary list for FormError, in the order the fields appear. */
export function summaryOf<K extends string>(
  errors: FieldErrors<K>,
  inputIds: Record<K, string>,
): Array<{ inputId: string; message: string }> {
  const list: Array<{ inputId: string; message: string }> = [];
  for (const name of Object.keys(inputIds) as K[]) {
    const message = errors[name];
    if (message) list.push({ inputId: inputIds[name], message });
  }
  return list;
}
