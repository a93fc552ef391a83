import type { SessionService } from '../auth/sessions.ts';
import type { Storage } from '../storage/types.ts';
import type { AccessEvents } from './accessEvents.ts';
import { recordAudit } from './audit.ts';

interface WorkspaceRef {
  id: string;
  name: string;
}

/** What deleting an account would do to the workspaces it belongs to. */
export interface AccountDeletionPlan {
  /** Workspaces where this person is the only owner and others remain: hand over first. */
  blockedBy: WorkspaceRef[];
  /** Workspaces where this person is the only member: deleted with their documents. */
  alone: WorkspaceRef[];
}

export async function planAccountDeletion(
  storage: Storage,
  userId: string,
): Promise<AccountDeletionPlan> {
  const plan: AccountDeletionPlan = { blockedBy: [], alone: [] };
  for (const w of await storage.workspaces.listForUser(userId)) {
    const members = await storage.workspaces.listMembers(w.id);
    if (members.length === 1) plan.alone.push({ id: w.id, name: w.name });
    else if (w.permission === 'owner' && (await storage.workspaces.countOwners(w.id)) === 1) {
      plan.blockedBy.push({ id: w.id, name: w.name });
    }
  }
  return plan;
}

/**
 * Deletes a person's account (the caller has checked their password and the plan). What
 * identifies them goes: name, email, password, sessions (their open sockets close with
 * 4401) and memberships (re-checked at once). What they wrote stays where it is, because
 * it is the group's work: the account row is kept, under no name, credited by role only
 * ("A patient"), so the contributions report still counts a patient's words as a
 * patient's. A workspace where they were alone goes with them, documents and all.
 */
export async function deleteAccount(
  deps: { storage: Storage; sessions: SessionService; accessEvents: AccessEvents },
  userId: string,
  plan: AccountDeletionPlan,
  ip: string | null,
): Promise<void> {
  const { storage, sessions, accessEvents } = deps;
  const now = Date.now();
  // Credentials first: a sign-in still checking the old password then finds an account
  // whose sessions are never valid, rather than one it can open a session for.
  await storage.users.markDeleted(userId, now);
  await sessions.endAllForUser(userId);
  for (const w of plan.alone) {
    for (const d of await storage.documents.listForWorkspace(w.id)) {
      await storage.documents.delete(d.id, now);
    }
  }
  for (const w of await storage.workspaces.listForUser(userId)) {
    await storage.workspaces.removeMember(w.id, userId);
    await recordAudit(storage, {
      actorId: userId,
      workspaceId: w.id,
      action: 'account.deleted',
      target: userId,
      ip,
    });
    accessEvents.changed({ workspaceId: w.id, userId });
  }
}
