import {
  type AddMemberInput,
  type CreateDocumentInput,
  type CreateWorkspaceInput,
  documentSchema,
  workspaceSchema,
} from '@chorus/shared';
import { z } from 'zod';
import { api } from '../../api/http.ts';

/**
 * A member as the API lists them. The email may be withheld (null) from people who are
 * not owners, so the page must cope without it.
 */
const memberSchema = z.object({
  userId: z.string(),
  name: z.string(),
  email: z.string().nullish(),
  permission: z.string(),
});
export type WorkspaceMember = z.infer<typeof memberSchema>;

const workspaceWithPermission = workspaceSchema.extend({ permission: z.string() });
export type WorkspaceListItem = z.infer<typeof workspaceWithPermission>;

const workspaceListResponse = z.object({ workspaces: z.array(workspaceWithPermission) });
const workspaceResponse = z.object({ workspace: workspaceWithPermission });
const workspaceDetailResponse = z.object({
  workspace: workspaceWithPermission,
  documents: z.array(documentSchema),
  members: z.array(memberSchema),
});
export type WorkspaceDetail = z.infer<typeof workspaceDetailResponse>;

export async function listWorkspaces(): Promise<WorkspaceListItem[]> {
  return (await api('GET', '/workspaces', undefined, workspaceListResponse)).workspaces;
}

export async function createWorkspace(input: CreateWorkspaceInput): Promise<WorkspaceListItem> {
  return (await api('POST', '/workspaces', input, workspaceResponse)).workspace;
}

export async function getWorkspace(id: string): Promise<WorkspaceDetail> {
  return api('GET', `/workspaces/${encodeURIComponent(id)}`, undefined, workspaceDetailResponse);
}

export async function createDocument(workspaceId: string, input: CreateDocumentInput) {
  const path = `/workspaces/${encodeURIComponent(workspaceId)}/documents`;
  return (await api('POST', path, input, z.object({ document: documentSchema }))).document;
}

export async function addMember(workspaceId: string, input: AddMemberInput) {
  const path = `/workspaces/${encodeURIComponent(workspaceId)}/members`;
  return (await api('POST', path, input, z.object({ member: memberSchema }))).member;
}

/** "owner" -> "Owner", for display. */
export function permissionLabel(permission: string): string {
  return permission.charAt(0).toUpperCase() + permission.slice(1);
}
