import { describe, expect, it } from 'vitest';
import { creditedAs, describeParticipants, listedParticipantOf } from './participantList.ts';

describe('participant list', () => {
  it('reads a stored person leniently, falling back to the cautious choice', () => {
    expect(listedParticipantOf({ personName: 'Pat', personRole: 'patient' })).toEqual({
      name: 'Pat',
      role: 'patient',
      creditAs: '',
      creditName: '',
      quoteConsent: 'unknown',
    });
    expect(
      listedParticipantOf({ personName: 7, personRole: 'king', creditAs: 'x', quoteConsent: 'y' }),
    ).toEqual({ name: '', role: 'other', creditAs: '', creditName: '', quoteConsent: 'unknown' });
  });

  it('names someone outside the group only as they chose, by role otherwise', () => {
    const p = (attrs: Record<string, string>) =>
      creditedAs(
        listedParticipantOf({ personName: 'Priya Shah', personRole: 'patient', ...attrs }),
      );
    expect(p({ creditAs: 'full_name' })).toBe('Priya Shah');
    expect(p({ creditAs: 'display_name', creditName: 'Priya S' })).toBe('Priya S');
    // A chosen name not given yet is never replaced by their real one.
    expect(p({ creditAs: 'display_name' })).toBe('A patient');
    expect(p({ creditAs: 'role_only' })).toBe('A patient');
    expect(p({})).toBe('A patient');
  });

  it('says in words who takes part and who has not yet said how to be credited or quoted', () => {
    expect(describeParticipants([])).toBe('No participants listed yet.');
    const list = [
      listedParticipantOf({ personRole: 'patient', creditAs: 'role_only', quoteConsent: 'yes' }),
      listedParticipantOf({ personRole: 'patient', creditAs: 'full_name', quoteConsent: 'no' }),
      listedParticipantOf({ personRole: 'carer' }),
      listedParticipantOf({ personRole: 'clinician', creditAs: 'display_name' }),
    ];
    expect(describeParticipants(list)).toBe(
      '4 participants (Patient or service user: 2; Carer: 1; Clinician: 1). 1 has not said how to be credited; 2 have not been asked about being quoted.',
    );
    expect(describeParticipants(list.slice(0, 2))).toBe(
      '2 participants (Patient or service user: 2).',
    );
  });
});
