import {
  colorForId,
  colorForSlot,
  creditedName,
  type ParticipantRole,
  participantRoleLabels,
} from '@chorus/shared';
import type { Storage } from '../storage/types.ts';

export interface PersonView {
  accountId: string;
  name: string;
  role: ParticipantRole;
  roleLabel: string;
  color: string;
}

/**
 * Everyone who may appear as an author in a workspace's documents, credited as they
 * chose, in their current role. Former members keep their credit, under their credit
 * choice, in the role they wrote in (`formerRoles`, from the journal's records; "other"
 * if none was recorded): a patient who leaves a group is still credited as a patient.
 */
export async function peopleOf(
  storage: Storage,
  workspaceId: string,
  alsoAccounts: Iterable<string | null> = [],
  formerRoles: ReadonlyMap<string, ParticipantRole> = new Map(),
): Promise<Map<string, PersonView>> {
  const people = new Map<string, PersonView>();
  for (const m of await storage.workspaces.listMembers(workspaceId)) {
    people.set(m.userId, {
      accountId: m.userId,
      name: creditedName(m, m.participantRole),
      role: m.participantRole,
      roleLabel: participantRoleLabels[m.participantRole],
      color: colorForSlot(m.colorSlot),
    });
  }
  for (const id of alsoAccounts) {
    if (!id || people.has(id)) continue;
    const user = await storage.users.findById(id);
    if (!user) continue;
    const role = formerRoles.get(id) ?? 'other';
    people.set(id, {
      accountId: id,
      name: creditedName(user, role),
      role,
      roleLabel: participantRoleLabels[role],
      color: colorForId(id),
    });
  }
  return people;
}
