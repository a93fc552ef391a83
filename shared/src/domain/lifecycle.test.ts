import { describe, expect, it } from 'vitest';
import {
  approvalRule,
  approveProblem,
  initialLifecycle,
  leadChangeProblem,
  leadProblem,
  lifecycles,
  locksText,
  moveProblem,
  textLockingStatuses,
  withApproval,
  withLead,
  withMove,
} from './lifecycle.ts';

describe('document status', () => {
  it('moves one step at a time, back only for owners, and never straight into approval', () => {
    const draft = initialLifecycle();
    expect(moveProblem('service_design', draft, 'in_review', false)).toBeNull();
    expect(moveProblem('service_design', draft, 'approved', true)).toMatch(/one step at a time/);
    expect(moveProblem('service_design', draft, 'done', true)).toMatch(/not a status/);
    const review = { ...draft, status: 'in_review' };
    expect(moveProblem('service_design', review, 'approved', true)).toBe(
      approvalRule('service_design'),
    );
    expect(moveProblem('service_design', review, 'draft', false)).toMatch(/Only an owner/);
    expect(moveProblem('service_design', review, 'draft', true)).toBeNull();
    expect(moveProblem('improvement_plan', draft, 'sponsor_approved', true)).toMatch(
      /once the sponsor has approved it/,
    );
    // An owner may come back to the approved status from the next one.
    const testing = { ...draft, status: 'testing' };
    expect(moveProblem('improvement_plan', testing, 'sponsor_approved', true)).toBeNull();
  });

  it('approves a service design once the staff lead and the co-chair have both approved', () => {
    let state = withMove('service_design', initialLifecycle(), 'in_review');
    state = withLead('service_design', state, 'staff_lead', 'sam');
    state = withLead('service_design', state, 'co_chair', 'pat');
    expect(approveProblem('service_design', state, 'co_chair', 'sam')).toMatch(
      /Only the lived-experience co-chair named/,
    );
    expect(approveProblem('service_design', state, 'sponsor', 'sam')).toMatch(/not approved by/);
    state = withApproval('service_design', state, 'staff_lead', 1);
    expect(state.status).toBe('in_review');
    expect(approveProblem('service_design', state, 'staff_lead', 'sam')).toMatch(/already/);
    state = withApproval('service_design', state, 'co_chair', 2);
    expect(state.status).toBe('approved');
    expect(approveProblem('service_design', state, 'co_chair', 'pat')).toMatch(
      /while the document/,
    );
  });

  it('drops an approval when its lead changes or the document goes back before approval', () => {
    let state = withMove('service_design', initialLifecycle(), 'in_review');
    state = withLead('service_design', state, 'staff_lead', 'sam');
    state = withApproval('service_design', state, 'staff_lead', 1);
    expect(withLead('service_design', state, 'staff_lead', 'sue').approvals).toEqual({});
    expect(withLead('service_design', state, 'co_chair', 'pat').approvals).toEqual({
      staff_lead: 1,
    });
    expect(withMove('service_design', state, 'draft').approvals).toEqual({});
    const approved = { ...state, status: 'approved', approvals: { staff_lead: 1, co_chair: 2 } };
    // After approval the leads are the record of who approved it.
    expect(leadChangeProblem('service_design', approved)).toMatch(/stays on record/);
    expect(leadChangeProblem('service_design', state)).toBeNull();
    expect(withMove('service_design', approved, 'in_implementation').approvals).toEqual({
      staff_lead: 1,
      co_chair: 2,
    });
  });

  it('names leads by their participant role', () => {
    expect(leadProblem('service_design', 'co_chair', 'carer')).toBeNull();
    expect(leadProblem('service_design', 'co_chair', 'clinician')).toMatch(/lived-experience/);
    expect(leadProblem('service_design', 'staff_lead', 'patient')).toMatch(/member of staff/);
    expect(leadProblem('service_design', 'sponsor', 'patient')).toMatch(/has no sponsor/);
    expect(leadProblem('improvement_plan', 'sponsor', 'patient')).toBeNull();
  });

  it('locks the text only while a document is closed, for both kinds', () => {
    for (const kind of ['service_design', 'improvement_plan'] as const) {
      const statuses: readonly string[] = lifecycles[kind].statuses;
      expect(statuses.filter(locksText)).toEqual(['closed']);
      // An owner reopens it by moving it back a step, which unlocks it.
      const closed = { ...initialLifecycle(), status: 'closed' };
      const back = statuses[statuses.indexOf('closed') - 1] ?? '';
      expect(moveProblem(kind, closed, back, true)).toBeNull();
      expect(moveProblem(kind, closed, back, false)).toMatch(/Only an owner/);
      expect(locksText(withMove(kind, closed, back).status)).toBe(false);
    }
    // The list the journal's commit checks in SQL is the same rule.
    expect(textLockingStatuses).toEqual(['closed']);
  });
});
