import {
  type AuditAction,
  auditActions,
  isLeadRole,
  leadRoleNames,
  statusNames,
} from '@chorus/shared';
import { permissionLabel, roleLabel } from '../workspaces/labels.ts';
import type { AuditEntry } from './auditApi.ts';

/** Plain labels for the "Action" filter. */
export const auditActionLabels: Record<AuditAction, string> = {
  'auth.signin': 'Signed in',
  'auth.signin_failed': 'Failed to sign in',
  'auth.signout': 'Signed out',
  'auth.password_changed': 'Changed their password',
  'auth.session_ended': 'Signed out another device',
  'auth.email_confirmed': 'Confirmed their email address',
  'invite.created': 'Created an invite',
  'invite.used': 'Joined with an invite',
  'invite.revoked': 'Withdrew an invite',
  'member.added': 'Added a person',
  'member.permission_changed': 'Changed a permission',
  'member.role_changed': 'Changed a role',
  'member.removed': 'Removed a person',
  'member.left': 'Left the workspace',
  'account.deleted': 'Deleted their account',
  'document.created': 'Created a document',
  'document.renamed': 'Renamed a document',
  'document.deleted': 'Deleted a document',
  'document.access_changed': 'Changed who can open a document',
  'document.exported': 'Exported a document',
  'document.status_changed': 'Changed a document’s status',
  'document.lead_named': 'Named a lead or sponsor',
  'document.approved': 'Approved a document',
  'evaluation.setup_saved': 'Changed an evaluation’s set-up',
  'evaluation.scoring_started': 'Started scoring',
  'evaluation.scores_submitted': 'Submitted their scores',
  'evaluation.moderation_opened': 'Opened moderation',
  'evaluation.score_agreed': 'Recorded an agreed score',
  'evaluation.signed_off': 'Signed off an evaluation',
  'evaluation.declared': 'Declared their interests',
  'evaluation.conflict_exception': 'Allowed a declared conflict',
  'evaluation.chair_changed': 'Appointed a new chair',
  'evaluation.round_started': 'Started a moderation round',
  'evaluation.names_revealed': 'Revealed the bidders’ names',
  'evaluation.bid_document_added': 'Added a bid’s document',
  'evaluation.bid_document_removed': 'Removed a bid’s document',
  'evaluation.bid_document_downloaded': 'Downloaded a bid’s document',
  'evaluation.clarification_asked': 'Asked a bidder a clarification question',
  'evaluation.clarification_answered': 'Recorded a bidder’s answer',
};

export function isAuditAction(value: string): value is AuditAction {
  return (auditActions as readonly string[]).includes(value);
}

function text(details: AuditEntry['details'], key: string): string | null {
  const value = details?.[key];
  return typeof value === 'string' ? value : null;
}

/**
 * One entry as a sentence that follows the person's name, e.g. "changed Bob's permission
 * from Editor to Viewer". Unknown details are left out rather than shown raw.
 */
export function describeAuditEntry(
  entry: AuditEntry,
  documentTitles: ReadonlyMap<string, string>,
): string {
  const { details } = entry;
  const who = entry.targetName ?? 'someone who has since left';
  const grant = () => {
    const permission = text(details, 'permission');
    const role = text(details, 'participantRole');
    const parts = [
      permission ? permissionLabel(permission) : null,
      role ? roleLabel(role) : null,
    ].filter(Boolean);
    return parts.length > 0 ? ` (${parts.join(', ')})` : '';
  };
  const change = (label: (value: string) => string) => {
    const from = text(details, 'from');
    const to = text(details, 'to');
    return from && to ? ` from ${label(from)} to ${label(to)}` : '';
  };
  const documentName = () => {
    const title =
      text(details, 'title') ?? (entry.target ? documentTitles.get(entry.target) : undefined);
    return title ? `“${title}”` : 'a document';
  };

  const fileName = () => {
    const name = text(details, 'name');
    return name ? `“${name}”` : 'a file';
  };

  if (!isAuditAction(entry.action)) return entry.action;
  switch (entry.action) {
    case 'auth.signin':
      return details?.signUp === true ? 'signed up and signed in' : 'signed in';
    case 'auth.signin_failed':
      return 'failed to sign in';
    case 'auth.signout':
      return 'signed out';
    case 'auth.password_changed':
      return 'changed their password (their other sessions were signed out)';
    case 'auth.session_ended':
      return 'signed out one of their other sessions';
    case 'auth.email_confirmed':
      return 'confirmed their email address with the link sent to it';
    case 'invite.created':
      return `created an invite${grant()}`;
    case 'invite.used':
      return `joined with an invite${grant()}`;
    case 'invite.revoked':
      return 'withdrew an invite';
    case 'member.added':
      return `added ${who}${grant()}`;
    case 'member.permission_changed':
      return `changed ${who}’s permission${change(permissionLabel)}`;
    case 'member.role_changed':
      return `changed ${who}’s role${change(roleLabel)}`;
    case 'member.removed':
      return `removed ${who} from the workspace`;
    case 'member.left':
      return 'left the workspace';
    case 'account.deleted':
      return 'deleted their account and left the workspace';
    case 'document.created':
      return `created the document ${documentName()}`;
    case 'document.renamed': {
      const from = text(details, 'from');
      const to = text(details, 'to');
      return from && to ? `renamed “${from}” to “${to}”` : 'renamed a document';
    }
    case 'document.deleted':
      return `deleted the document ${documentName()}`;
    case 'document.access_changed':
      return details?.restricted === true
        ? `limited ${documentName()} to chosen people`
        : `changed who can open ${documentName()}`;
    case 'document.exported':
      return `exported ${documentName()}`;
    case 'document.status_changed':
      return `moved ${documentName()}${change((s) => statusNames[s] ?? s)}`;
    case 'document.lead_named': {
      const role = text(details, 'role');
      const roleName = role && isLeadRole(role) ? leadRoleNames[role].toLowerCase() : 'lead';
      return text(details, 'accountId')
        ? `named ${text(details, 'name') ?? 'someone'} as ${roleName} of ${documentName()}`
        : `cleared the ${roleName} of ${documentName()}`;
    }
    case 'document.approved': {
      const role = text(details, 'role');
      const roleName = role && isLeadRole(role) ? leadRoleNames[role].toLowerCase() : 'lead';
      return `approved ${documentName()} as ${roleName}`;
    }
    case 'evaluation.setup_saved':
      return `changed the criteria, bids or panel of ${documentName()}`;
    case 'evaluation.scoring_started':
      return `started individual scoring in ${documentName()} (criteria and weights are now fixed)`;
    case 'evaluation.scores_submitted':
      return `submitted their scores in ${documentName()}`;
    case 'evaluation.moderation_opened': {
      const reason = text(details, 'overrideReason');
      return reason
        ? `opened moderation of ${documentName()} before every evaluator had submitted, because: ${reason}`
        : `opened moderation of ${documentName()}`;
    }
    case 'evaluation.score_agreed':
      return `recorded an agreed score in ${documentName()}`;
    case 'evaluation.signed_off':
      return `signed off ${documentName()}: its scores are now locked`;
    case 'evaluation.declared':
      return details?.conflict === true
        ? `declared a conflict of interest in ${documentName()}`
        : `declared no conflict of interest in ${documentName()}`;
    case 'evaluation.chair_changed': {
      const reason = text(details, 'reason');
      return `appointed a new chair for ${documentName()}${reason ? `, because: ${reason}` : ''}`;
    }
    case 'evaluation.round_started': {
      const reason = text(details, 'reason');
      const what =
        details?.correction === true
          ? `reopened the signed-off ${documentName()} for a correction`
          : `started another moderation round of ${documentName()}`;
      return reason ? `${what}, because: ${reason}` : what;
    }
    case 'evaluation.names_revealed':
      return `revealed the bidders’ names in ${documentName()}; the panel declares again with them`;
    case 'evaluation.bid_document_added':
      return `added ${fileName()} to a bid in ${documentName()}`;
    case 'evaluation.bid_document_removed':
      return `removed ${fileName()} from a bid in ${documentName()}`;
    case 'evaluation.bid_document_downloaded':
      return `downloaded ${fileName()}, a bid’s document in ${documentName()}`;
    case 'evaluation.clarification_asked':
      return `asked a bidder a clarification question in ${documentName()}`;
    case 'evaluation.clarification_answered': {
      const reason = text(details, 'reason');
      return details?.correction === true
        ? `corrected a bidder’s recorded answer in ${documentName()}${reason ? `, because: ${reason}` : ''}`
        : `recorded a bidder’s answer to a clarification question in ${documentName()}`;
    }
    case 'evaluation.conflict_exception':
      return `let a panel member with a declared conflict take part in ${documentName()}, recording how it is mitigated`;
  }
}
