import {
  approvalRule,
  approveProblem,
  closedTextProblem,
  closeProblem,
  creditedName,
  type DocumentKind,
  EDITOR_FRAGMENT,
  ErrorId,
  hasLifecycle,
  initialLifecycle,
  type LeadRole,
  type LifecycleKind,
  type LifecycleView,
  leadChangeProblem,
  leadProblem,
  leadRoleNames,
  lifecycles,
  locksText,
  moveProblem,
  type Priority,
  statusNames,
  withApproval,
  withLead,
  withMove,
} from '@chorus/shared';
import * as Y from 'yjs';
import { AppError } from '../errors.ts';
import type {
  DocumentRecord,
  LifecycleRecord,
  MemberView as Member,
  Storage,
} from '../storage/types.ts';
import { documentReaders } from './access.ts';
import type { AccessEvents } from './accessEvents.ts';
import { auditEntry, type recordAudit } from './audit.ts';
import type { LiveDocuments } from './index.ts';
import { saveVersion } from './versions.ts';

/** The document a status route works on, as the route authorised it. */
export interface Where {
  storage: Storage;
  live: LiveDocuments | null;
  document: DocumentRecord;
  /** Told when the text locks or unlocks, so open connections are re-checked (everywhere). */
  accessEvents: AccessEvents;
}

/**
 * Whether the document's text is locked by its status (`locksText`: closed). A procurement
 * evaluation has no such status (its sign-off has its own lock).
 */
export async function textLocked(storage: Storage, documentId: string): Promise<boolean> {
  const record = await storage.lifecycles.get(documentId);
  return record !== null && locksText(record.status);
}

/**
 * Refuses (409) a write to the text of a closed document: accepting a suggestion, restoring
 * a version, any edit the server makes on someone's behalf.
 */
export async function refuseIfTextLocked(storage: Storage, documentId: string): Promise<void> {
  if (await textLocked(storage, documentId)) {
    throw new AppError(ErrorId.conflict, closedTextProblem);
  }
}

function kindOf(document: DocumentRecord): LifecycleKind {
  const kind: DocumentKind = document.kind;
  if (!hasLifecycle(kind)) {
    throw new AppError(
      ErrorId.notFound,
      'A procurement evaluation has no status of this kind: it follows its own stages on its Scoring page.',
    );
  }
  return kind;
}

async function current(where: Where): Promise<LifecycleRecord> {
  return (
    (await where.storage.lifecycles.get(where.document.id)) ?? {
      documentId: where.document.id,
      ...initialLifecycle(),
      version: 0,
      changedAt: 0,
      changedBy: '',
    }
  );
}

const refused = (message: string) => new AppError(ErrorId.badRequest, message);

const changedMeanwhile = (record: LifecycleRecord) =>
  new AppError(
    ErrorId.conflict,
    `The status changed while you were looking at it: it is now “${statusNames[record.status]}”. Check it and try again.`,
  );

/** Members who can read the document. */
const readers = (where: Where) => documentReaders(where.storage, where.document);

const named = (m: Member) => ({ id: m.userId, name: creditedName(m, m.participantRole) });

export async function view(where: Where): Promise<LifecycleView> {
  const kind = kindOf(where.document);
  const [record, members] = await Promise.all([current(where), readers(where)]);
  const byId = new Map(members.map((m) => [m.userId, m]));
  const { statuses, approval } = lifecycles[kind];
  const candidates: Record<string, { id: string; name: string }[]> = {};
  for (const role of approval.needs) {
    candidates[role] = members
      .filter((m) => leadProblem(kind, role, m.participantRole) === null)
      .map(named)
      .sort((a, b) => a.name.localeCompare(b.name));
  }
  const changer = byId.get(record.changedBy);
  return {
    status: record.status,
    statuses: statuses.map((id) => ({ id, name: statusNames[id] ?? id })),
    rule: approvalRule(kind),
    leads: approval.needs.map((role: LeadRole) => {
      const lead = record.leads[role];
      const member = lead === undefined ? undefined : byId.get(lead);
      const at = record.approvals[role];
      return {
        role,
        roleName: leadRoleNames[role],
        // Someone named who has since left, or lost access, is no longer named.
        person: member ? named(member) : null,
        approvedAt: at === undefined ? null : new Date(at).toISOString(),
      };
    }),
    candidates,
    version: record.version,
    changedAt: record.version === 0 ? null : new Date(record.changedAt).toISOString(),
    changedBy: record.version === 0 ? null : changer ? named(changer).name : 'A former member',
  };
}

/** Writes the next state over the version the caller saw, audits it, and tells open pages. */
async function write(
  where: Where,
  record: LifecycleRecord,
  next: Omit<LifecycleRecord, 'documentId' | 'version' | 'changedAt' | 'changedBy'>,
  actorId: string,
  audit: Parameters<typeof recordAudit>[1][],
): Promise<void> {
  const at = Date.now();
  // One transaction: the change and its audit entries are on record together or not at all.
  const saved = await where.storage.lifecycles.save(
    {
      documentId: where.document.id,
      status: next.status,
      leads: next.leads,
      approvals: next.approvals,
      version: record.version + 1,
      changedAt: at,
      changedBy: actorId,
    },
    audit.map((e) => auditEntry(e, at)),
  );
  if (!saved) throw changedMeanwhile(await current(where));
  if (locksText(record.status) !== locksText(next.status)) {
    // Open connections are re-checked (here and on every process): the sync server then
    // refuses or accepts their edits as it does a viewer's or an editor's.
    where.accessEvents.changed({
      workspaceId: where.document.workspaceId,
      documentId: where.document.id,
      textOnly: true,
    });
  }
  where.live?.notify(where.document.id, 'status');
}

async function seen(where: Where, version: number): Promise<LifecycleRecord> {
  const record = await current(where);
  if (record.version !== version) throw changedMeanwhile(record);
  return record;
}

export async function move(
  where: Where,
  actor: { userId: string; isOwner: boolean },
  input: { to: string; version: number },
): Promise<void> {
  const kind = kindOf(where.document);
  const record = await seen(where, input.version);
  const problem =
    moveProblem(kind, record, input.to, actor.isOwner) ??
    (kind === 'service_design' && input.to === 'closed' ? await prioritiesProblem(where) : null);
  if (problem) throw refused(problem);
  await write(where, record, withMove(kind, record, input.to), actor.userId, [
    {
      actorId: actor.userId,
      workspaceId: where.document.workspaceId,
      action: 'document.status_changed',
      target: where.document.id,
      details: { from: record.status, to: input.to },
    },
  ]);
}

export async function setLead(
  where: Where,
  actorId: string,
  input: { role: LeadRole; accountId: string | null; version: number },
): Promise<void> {
  const kind = kindOf(where.document);
  const record = await seen(where, input.version);
  const fixed = leadChangeProblem(kind, record);
  if (fixed) throw refused(fixed);
  let name: string | null = null;
  if (input.accountId !== null) {
    const member = (await readers(where)).find((m) => m.userId === input.accountId);
    if (!member) {
      throw refused(
        'That person cannot read this document. Choose a member who can, or give them access first.',
      );
    }
    const problem = leadProblem(kind, input.role, member.participantRole);
    if (problem) throw refused(problem);
    name = named(member).name;
  } else if (!(lifecycles[kind].approval.needs as readonly LeadRole[]).includes(input.role)) {
    throw refused(`This kind of document has no ${leadRoleNames[input.role].toLowerCase()}.`);
  }
  await write(where, record, withLead(kind, record, input.role, input.accountId), actorId, [
    {
      actorId,
      workspaceId: where.document.workspaceId,
      action: 'document.lead_named',
      target: where.document.id,
      details: { role: input.role, accountId: input.accountId, name },
    },
  ]);
}

export async function approve(
  where: Where,
  actorId: string,
  input: { role: LeadRole; version: number },
): Promise<void> {
  const kind = kindOf(where.document);
  const record = await seen(where, input.version);
  // A lead who has since lost access to the document cannot approve it.
  const stillReads = (await readers(where)).some((m) => m.userId === actorId);
  const problem = stillReads
    ? approveProblem(kind, record, input.role, actorId)
    : 'You cannot read this document any more.';
  if (problem) throw refused(problem);
  const next = withApproval(kind, record, input.role, Date.now());
  const audit: Parameters<typeof recordAudit>[1][] = [
    {
      actorId,
      workspaceId: where.document.workspaceId,
      action: 'document.approved',
      target: where.document.id,
      details: { role: input.role, status: record.status },
    },
  ];
  const approvedNow = next.status !== record.status;
  if (approvedNow) {
    audit.push({
      actorId,
      workspaceId: where.document.workspaceId,
      action: 'document.status_changed',
      target: where.document.id,
      details: { from: record.status, to: next.status },
    });
  }
  await write(where, record, next, actorId, audit);
  if (approvedNow) await keepApprovedVersion(where, kind, next, actorId);
}

/**
 * Saves the document as approved as a named version, so what was approved stays on record
 * however the text changes later (only closing locks the text).
 */
async function keepApprovedVersion(
  where: Where,
  kind: LifecycleKind,
  state: { leads: Partial<Record<LeadRole, string>> },
  actorId: string,
): Promise<void> {
  if (!where.live) return;
  const members = new Map((await readers(where)).map((m) => [m.userId, named(m).name]));
  const needs: readonly LeadRole[] = lifecycles[kind].approval.needs;
  const by = needs
    .map((role) => {
      const id = state.leads[role];
      const who = id === undefined ? undefined : members.get(id);
      return `${who ?? 'a former member'} (${leadRoleNames[role].toLowerCase()})`;
    })
    .join(' and ');
  const { doc } = await where.live.committedDocument(where.document.id);
  try {
    await saveVersion(
      where.storage,
      where.document.id,
      Y.encodeStateAsUpdate(doc),
      'named',
      `Approved by ${by}`.slice(0, 120),
      actorId,
    );
  } finally {
    doc.destroy();
  }
}

/**
 * A service design cannot be closed while a priority has no "You said, we did" entry
 * (`domain/priorities.ts`): read from the document as committed, wherever in it the
 * priorities are kept.
 */
async function prioritiesProblem(where: Where): Promise<string | null> {
  if (!where.live) {
    throw new AppError(ErrorId.internal, 'The document service is not running. Try again.');
  }
  const { doc } = await where.live.committedDocument(where.document.id);
  const priorities: Priority[] = [];
  try {
    const walk = (node: Y.XmlElement | Y.XmlFragment) => {
      for (const child of node.toArray()) {
        if (!(child instanceof Y.XmlElement)) continue;
        if (child.nodeName === 'priority') {
          const field = (key: string) => {
            const value: unknown = child.getAttribute(key);
            return typeof value === 'string' ? value : '';
          };
          priorities.push({
            title: field('title'),
            evidence: field('evidence'),
            changed: field('changed'),
            unchanged: field('unchanged'),
          });
        } else walk(child);
      }
    };
    walk(doc.getXmlFragment(EDITOR_FRAGMENT));
  } finally {
    doc.destroy();
  }
  return closeProblem(priorities);
}
