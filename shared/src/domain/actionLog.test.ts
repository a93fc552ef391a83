import { describe, expect, it } from 'vitest';
import { actionStatusOf, describeActionLog, isOverdue } from './actionLog.ts';

describe('action log', () => {
  it('is overdue only past its date and while not finished', () => {
    const today = '2026-11-27';
    expect(isOverdue({ due: '2026-11-26', status: 'open' }, today)).toBe(true);
    expect(isOverdue({ due: '2026-11-26', status: 'in_progress' }, today)).toBe(true);
    expect(isOverdue({ due: '2026-11-27', status: 'open' }, today)).toBe(false);
    expect(isOverdue({ due: '2026-11-26', status: 'done' }, today)).toBe(false);
    expect(isOverdue({ due: '2026-11-26', status: 'dropped' }, today)).toBe(false);
    expect(isOverdue({ due: '', status: 'open' }, today)).toBe(false);
  });

  it('says in words how many actions stand where, and how many are late', () => {
    expect(describeActionLog([], '2026-11-27')).toBe('No actions yet.');
    expect(
      describeActionLog(
        [
          { due: '2026-11-01', status: 'open' },
          { due: '2026-12-01', status: 'open' },
          { due: '2026-11-01', status: 'done' },
          { due: '', status: 'in_progress' },
        ],
        '2026-11-27',
      ),
    ).toBe('4 actions: 2 not started, 1 in progress, 1 done. 1 is overdue.');
    expect(actionStatusOf('finished')).toBe('open');
  });
});
