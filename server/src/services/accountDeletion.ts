import type { SessionService } from '../auth/sessions.ts';
import type { Storage } from '../storage/types.ts';
import type { AccessEvents } from './accessEvents.ts';
import { recordAudit } from './audit.ts';
import type { LiveDocuments } from './index.ts';

interface WorkspaceRef {
  id: string;
  name: string;
}

/** What deleting an account would do to the workspaces it belongs to. */
export interface AccountDeletionPlan {
  /** Workspaces where this person is the only owner and others remain: hand over first. */
  blockedBy: WorkspaceRef[];
  /** Workspaces where this person is the only member: erased, documents, invites and all. */
  alone: WorkspaceRef[];
}

/**
 * Which workspaces stop a deletion, and which would go with it. Read again by
 * `deleteAccount` itself, so a change in between (an owner demoted, someone joining)
 * is acted on as it is then.
 */
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
 * Deletes a person's account (the caller has checked their password), unless they are
 * the only owner of a workspace others are in (`deleted: false`, nothing changed). What
 * identifies them goes: name, email, password, sessions (their open sockets close with
 * 4401) and memberships (re-checked at once). What they wrote stays where it is, because
 * it is the group's work: the account row is kept, under no name, credited by role only
 * ("A patient"), so the contributions report still counts a patient's words as a
 * patient's. A workspace where they were alone is erased with them: its documents (and
 * their whole history), invites and name.
 */
export async function deleteAccount(
  deps: {
    storage: Storage;
    sessions: SessionService;
    accessEvents: AccessEvents;
    live: LiveDocuments | null;
  },
  userId: string,
  ip: string | null,
): Promise<{ deleted: boolean; plan: AccountDeletionPlan }> {
  const { storage, sessions, accessEvents, live } = deps;
  const plan = await planAccountDeletion(storage, userId);
  if (plan.blockedBy.length > 0) return { deleted: false, plan };
  const now = Date.now();
  // Credentials first: a sign-in still checking the old password then finds an account
  // whose sessions are never valid, rather than one it can open a session for.
  await storage.users.markDeleted(userId, now);
  await sessions.endAllForUser(userId);
  // What they read, the emails waiting for them (their address is gone), the links that
  // would confirm it, and their choices are theirs alone, and go with the account.
  await storage.mentionReads.eraseForUser(userId);
  await storage.mentionEmails.eraseForUser(userId);
  await storage.emailConfirmations.eraseForUser(userId);
  await storage.preferences.eraseForUser(userId);
  for (const w of plan.alone) {
    for (const d of await storage.documents.listForWorkspace(w.id)) await live?.discard(d.id);
    await storage.workspaces.erase(w.id);
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
  // Also on record for someone in no workspace at all.
  await recordAudit(storage, { actorId: userId, action: 'account.deleted', target: userId, ip });
  return { deleted: true, plan };
}
