import {
  type CreateDocumentInput,
  type CreateWorkspaceInput,
  documentSchema,
  type ParticipantRole,
  type Permission,
  workspaceSchema,
} from '@chorus/shared';
import { z } from 'zod';
import { api } from '../../api/http.ts';

/**
 * A member as the API lists them. The email is withheld (null) from people who are not
 * owners, and the credited name is how the person chose to be shown to others.
 */
const memberSchema = z.object({
  userId: z.string(),
  name: z.string(),
  creditedName: z.string(),
  email: z.string().nullish(),
  permission: z.string(),
  participantRole: z.string(),
});
export type WorkspaceMember = z.infer<typeof memberSchema>;

const workspaceWithPermission = workspaceSchema.extend({ permission: z.string() });
export type WorkspaceListItem = z.infer<typeof workspaceWithPermission>;

const workspaceDocument = documentSchema.extend({ permission: z.string().optional() });
export type WorkspaceDocument = z.infer<typeof workspaceDocument>;

const workspaceListResponse = z.object({ workspaces: z.array(workspaceWithPermission) });
const workspaceResponse = z.object({ workspace: workspaceWithPermission });
/** A comment in an open thread that mentions the person reading. */
const mentionSchema = z.object({
  documentId: z.string(),
  documentTitle: z.string(),
  threadId: z.string(),
  quote: z.string(),
  byName: z.string(),
  body: z.string(),
  at: z.string(),
});
export type Mention = z.infer<typeof mentionSchema>;

const workspaceDetailResponse = z.object({
  workspace: workspaceWithPermission,
  me: z.object({ userId: z.string(), participantRole: z.string() }),
  documents: z.array(workspaceDocument),
  members: z.array(memberSchema),
  mentions: z.array(mentionSchema).default([]),
});
export type WorkspaceDetail = z.infer<typeof workspaceDetailResponse>;

const ok = z.object({ ok: z.boolean() });
const workspacePath = (id: string) => `/workspaces/${encodeURIComponent(id)}`;

export async function listWorkspaces(): Promise<WorkspaceListItem[]> {
  return (await api('GET', '/workspaces', undefined, workspaceListResponse)).workspaces;
}

export async function createWorkspace(input: CreateWorkspaceInput): Promise<WorkspaceListItem> {
  return (await api('POST', '/workspaces', input, workspaceResponse)).workspace;
}

export async function getWorkspace(id: string): Promise<WorkspaceDetail> {
  return api('GET', workspacePath(id), undefined, workspaceDetailResponse);
}

export async function createDocument(workspaceId: string, input: CreateDocumentInput) {
  const path = `${workspacePath(workspaceId)}/documents`;
  return (await api('POST', path, input, z.object({ document: documentSchema }))).document;
}

export async function deleteDocument(documentId: string): Promise<void> {
  await api('DELETE', `/documents/${encodeURIComponent(documentId)}`, undefined, ok);
}

export interface AddMemberRequest {
  email: string;
  permission: Permission;
  participantRole: ParticipantRole;
}

/** The server answers with the person's account name; credit settings come on reload. */
const addedMemberSchema = memberSchema.extend({ creditedName: z.string().optional() });

export async function addMember(
  workspaceId: string,
  input: AddMemberRequest,
): Promise<WorkspaceMember> {
  const path = `${workspacePath(workspaceId)}/members`;
  const { member } = await api('POST', path, input, z.object({ member: addedMemberSchema }));
  return { ...member, creditedName: member.creditedName ?? member.name };
}

export async function updateMember(
  workspaceId: string,
  userId: string,
  changes: { permission?: Permission; participantRole?: ParticipantRole },
): Promise<void> {
  const path = `${workspacePath(workspaceId)}/members/${encodeURIComponent(userId)}`;
  await api('PATCH', path, changes);
}

/** Removes someone, or (with one's own id) leaves the workspace. */
export async function removeMember(workspaceId: string, userId: string): Promise<void> {
  const path = `${workspacePath(workspaceId)}/members/${encodeURIComponent(userId)}`;
  await api('DELETE', path, undefined, ok);
}
