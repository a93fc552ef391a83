import type { AuditAction } from '@chorus/shared';
import type { Audited } from '../storage/types.ts';

/**
 * A write's options with each of its audit entries made one the audit log refuses (it has
 * no action): how a route test makes the audit write fail inside the store's transaction,
 * as a full disk or a lost connection would.
 */
export const unloggable = (options: Audited = {}): Audited => ({
  audit: (options.audit ?? []).map((e) => ({ ...e, action: null as unknown as AuditAction })),
});
