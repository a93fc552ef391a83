import { describe, expect, it } from 'vitest';
import { closeProblem, describePriorities } from './priorities.ts';

const p = (title: string, changed = '', unchanged = '') => ({
  title,
  evidence: '',
  changed,
  unchanged,
});

describe('priorities and “You said, we did”', () => {
  it('refuses closing while a priority has no entry, naming each', () => {
    expect(closeProblem([])).toBeNull();
    expect(
      closeProblem([p('Shorter waits', 'Results in 5 days'), p('', '', 'No funding')]),
    ).toBeNull();
    expect(closeProblem([p('Shorter waits', '  '), p('Clear letters', 'Rewritten'), p(' ')])).toBe(
      'The design cannot be closed while a priority has no “You said, we did” entry: add what changed, or what did not and why, for “Shorter waits”, priority 3.',
    );
  });

  it('says in words how many priorities still lack an entry', () => {
    expect(describePriorities([])).toBe('No priorities yet.');
    expect(describePriorities([p('a', 'x')])).toBe(
      '1 priority; each has its “You said, we did” entry.',
    );
    expect(describePriorities([p('a'), p('b'), p('c', 'x')])).toBe(
      '3 priorities; 2 have no “You said, we did” entry yet.',
    );
  });
});
