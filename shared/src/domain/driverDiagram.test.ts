import { describe, expect, it } from 'vitest';
import { describeDriverDiagram } from './driverDiagram.ts';

describe('driver diagram', () => {
  it('counts each level in words', () => {
    expect(describeDriverDiagram([])).toBe('No drivers yet: start with a primary driver.');
    const idea = { label: 'Text reminders', children: [] };
    expect(
      describeDriverDiagram([
        { label: 'Patients remember', children: [{ label: 'Reminders', children: [idea, idea] }] },
        { label: 'Easy to rebook', children: [] },
      ]),
    ).toBe('2 primary drivers, 1 secondary driver and 2 change ideas.');
  });
});
