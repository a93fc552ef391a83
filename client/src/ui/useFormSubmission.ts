import { useState } from 'react';
import type { z } from 'zod';
import { type FieldErrors, fromApiError, summaryOf, validate } from './formErrors.ts';

/**
 * The submit cycle every form shares: check the values with the shared schema, send them
 * once at a time, and turn a refusal into per-field messages (for the fields the form has)
 * or one form message. `inputIds` names the form's fields and the inputs that show them.
 */
export function useFormSubmission<K extends string>(inputIds: Record<K, string>) {
  const [errors, setErrors] = useState<FieldErrors<K>>({});
  const [formMessage, setFormMessage] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  /** Resolves true when the values were valid and `send` succeeded. */
  async function submit<S extends z.ZodType>(
    schema: S,
    values: Record<K, unknown>,
    send: (data: z.infer<S>) => Promise<void>,
  ): Promise<boolean> {
    if (busy) return false;
    const checked = validate(schema, values);
    if (!checked.ok) {
      setErrors(checked.errors);
      setFormMessage(null);
      return false;
    }
    setBusy(true);
    try {
      await send(checked.data);
      setErrors({});
      setFormMessage(null);
      return true;
    } catch (error) {
      const refused = fromApiError(error, Object.keys(inputIds) as K[]);
      setErrors(refused.errors);
      setFormMessage(Object.keys(refused.errors).length > 0 ? null : refused.message);
      return false;
    } finally {
      setBusy(false);
    }
  }

  return { errors, formMessage, busy, summary: summaryOf(errors, inputIds), submit };
}
