import { describe, expect, it } from 'vitest';
import { creditedName } from './participants.ts';

describe('credited names', () => {
  const person = { name: 'Patricia Jones', displayName: 'Pat', creditMode: 'full_name' as const };
  it('uses the full name, the chosen name, or the role only, as the person chose', () => {
    expect(creditedName(person, 'patient')).toBe('Patricia Jones');
    expect(creditedName({ ...person, creditMode: 'display_name' }, 'patient')).toBe('Pat');
    expect(creditedName({ ...person, creditMode: 'role_only' }, 'patient')).toBe('A patient');
    expect(creditedName({ ...person, creditMode: 'role_only' }, 'improvement_lead')).toBe(
      'An improvement lead',
    );
  });
  it('falls back to the full name when the chosen name is blank', () => {
    expect(
      creditedName({ ...person, creditMode: 'display_name', displayName: '  ' }, 'carer'),
    ).toBe('Patricia Jones');
  });
});
