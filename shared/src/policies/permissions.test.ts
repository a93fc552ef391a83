import { describe, expect, it } from 'vitest';
import { type Action, actions, can, effectivePermission, type Permission } from './permissions.ts';

// The whole table, written out: a change to the policy must change this test.
const expected: Record<Action, Record<Permission, boolean>> = {
  'workspace.view': { owner: true, editor: true, commenter: true, viewer: true },
  'workspace.manageMembers': { owner: true, editor: false, commenter: false, viewer: false },
  'workspace.invite': { owner: true, editor: false, commenter: false, viewer: false },
  'workspace.viewAudit': { owner: true, editor: false, commenter: false, viewer: false },
  'document.create': { owner: true, editor: true, commenter: false, viewer: false },
  'document.view': { owner: true, editor: true, commenter: true, viewer: true },
  'document.rename': { owner: true, editor: true, commenter: false, viewer: false },
  'document.edit': { owner: true, editor: true, commenter: false, viewer: false },
  'document.comment': { owner: true, editor: true, commenter: true, viewer: false },
  'document.publishPresence': { owner: true, editor: true, commenter: true, viewer: false },
  'document.delete': { owner: true, editor: false, commenter: false, viewer: false },
  'document.manageAccess': { owner: true, editor: false, commenter: false, viewer: false },
};

describe('permission policy', () => {
  for (const action of actions) {
    for (const permission of ['owner', 'editor', 'commenter', 'viewer'] as const) {
      const want = expected[action][permission];
      it(`${permission} ${want ? 'may' : 'may not'} ${action}`, () => {
        expect(can(permission, action)).toBe(want);
      });
    }
    it(`a non-member may not ${action}`, () => {
      expect(can(null, action)).toBe(false);
    });
  }
});

describe('effective document permission', () => {
  it('is the workspace permission by default', () => {
    expect(
      effectivePermission({ workspacePermission: 'editor', override: null, restricted: false }),
    ).toBe('editor');
  });
  it('follows an override up or down, or removes access', () => {
    expect(
      effectivePermission({ workspacePermission: 'viewer', override: 'editor', restricted: false }),
    ).toBe('editor');
    expect(
      effectivePermission({ workspacePermission: 'editor', override: 'viewer', restricted: false }),
    ).toBe('viewer');
    expect(
      effectivePermission({ workspacePermission: 'editor', override: 'none', restricted: false }),
    ).toBeNull();
  });
  it('closes a restricted document to members without an override, but not to owners', () => {
    expect(
      effectivePermission({ workspacePermission: 'editor', override: null, restricted: true }),
    ).toBeNull();
    expect(
      effectivePermission({
        workspacePermission: 'editor',
        override: 'commenter',
        restricted: true,
      }),
    ).toBe('commenter');
    expect(
      effectivePermission({ workspacePermission: 'owner', override: 'none', restricted: true }),
    ).toBe('owner');
  });
  it('gives a non-member nothing, whatever the override', () => {
    expect(
      effectivePermission({ workspacePermission: null, override: 'editor', restricted: false }),
    ).toBeNull();
  });
});
