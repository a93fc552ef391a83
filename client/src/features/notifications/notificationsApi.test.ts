import { describe, expect, it } from 'vitest';
import { announcementOf, type MentionNotification, threadHref } from './notificationsApi.ts';

const mention = (byName: string, documentTitle: string): MentionNotification => ({
  id: `c${byName.length}${documentTitle.length}aaaaaaaaaaaaaaa`,
  workspaceId: 'w1aaaaaaaaaaaaaaaaaaaaaa',
  workspaceName: 'Eye screening',
  documentId: 'd1aaaaaaaaaaaaaaaaaaaaaa',
  documentTitle,
  threadId: 't1aaaaaaaaaaaaaaaaaaaaaa',
  quote: 'Long waits',
  byName,
  body: 'Have a look',
  at: '2026-11-27T10:00:00.000Z',
  read: false,
});

describe('what a new mention announces', () => {
  it('names who mentioned you and in which document', () => {
    expect(announcementOf([mention('Pat Patient', 'Screening pathway')])).toBe(
      'Pat Patient mentioned you in “Screening pathway”',
    );
  });

  it('names the newest and counts the others', () => {
    expect(
      announcementOf([mention('Pat Patient', 'Screening pathway'), mention('Cleo', 'Budget')]),
    ).toBe('Pat Patient mentioned you in “Screening pathway”, and 1 more mention');
    expect(
      announcementOf([
        mention('Pat Patient', 'Screening pathway'),
        mention('Cleo', 'Budget'),
        mention('Hal', 'Survey'),
      ]),
    ).toBe('Pat Patient mentioned you in “Screening pathway”, and 2 more mentions');
  });

  it('says nothing when nothing arrived', () => {
    expect(announcementOf([])).toBeNull();
  });

  it('links to the thread as the workspace page does', () => {
    expect(threadHref(mention('Pat Patient', 'Screening pathway'))).toBe(
      '/documents/d1aaaaaaaaaaaaaaaaaaaaaa#thread-t1aaaaaaaaaaaaaaaaaaaaaa',
    );
  });
});
