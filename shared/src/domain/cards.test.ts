import { describe, expect, it } from 'vitest';
import { aimGaps, cardAttributes } from './cards.ts';

describe('charter and service header', () => {
  it('says what an aim does not yet say: how much and by when', () => {
    expect(aimGaps('')).toBeNull();
    expect(aimGaps('Fewer missed appointments, from 12% to 8%, by June 2027')).toBeNull();
    expect(aimGaps('Fewer missed appointments by 2027')).toBe(
      'The aim does not say how much (a number) yet.',
    );
    expect(aimGaps('Fewer missed appointments')).toBe(
      'The aim does not say how much (a number) or by when (a month or year) yet.',
    );
    expect(aimGaps('From 12% to 8%')).toBe('The aim does not say by when (a month or year) yet.');
    // Words that start like a month are not one.
    expect(aimGaps('Decrease missed appointments from 12% to 8% on Junior wards')).toBe(
      'The aim does not say by when (a month or year) yet.',
    );
    expect(aimGaps('Patients may wait less: 12% to 8% by March')).toBeNull();
  });

  it('names each attribute once', () => {
    expect(new Set(cardAttributes).size).toBe(cardAttributes.length);
    expect(cardAttributes).toContain('coproduction');
  });
});
