import { describe, expect, it } from 'vitest';
import { composeMentionEmail } from './mentionEmail.ts';

const base = 'https://chorus.example.org';
const pat = {
  byName: 'Pat Patient',
  documentTitle: 'Screening pathway',
  workspaceName: 'Eye screening',
  documentId: 'doc1',
  threadId: 'thr1',
};

describe('the mention email', () => {
  it('says who mentioned whom and where, links to the thread and to turning emails off', () => {
    const email = composeMentionEmail('Cleo Clinician', [pat], base);
    expect(email.subject).toBe('Pat Patient mentioned you in “Screening pathway”');
    expect(email.text).toContain('Hello Cleo Clinician,');
    expect(email.text).toContain(
      'Pat Patient mentioned you in a comment on “Screening pathway” (workspace “Eye screening”).',
    );
    expect(email.text).toContain(`Open the comment: ${base}/documents/doc1#thread-thr1`);
    expect(email.text).toContain(`${base}/account#email-preferences`);
    expect(email.text).toContain('can hold health information, so they stay in Chorus');
    expect(email.html).toContain(`<a href="${base}/documents/doc1#thread-thr1">`);
    expect(email.html).toContain(`<a href="${base}/account#email-preferences">`);
  });

  it('escapes names and titles in the HTML and keeps them to one line', () => {
    const hostile = {
      ...pat,
      byName: '<script>alert(1)</script>',
      documentTitle: 'A & B\r\nBcc: x@example.org',
      workspaceName: '"quoted" <b>',
    };
    const email = composeMentionEmail('Ann <img src=x>', [hostile], base);
    expect(email.html).not.toContain('<script>');
    expect(email.html).not.toContain('<img');
    expect(email.html).not.toContain('<b>');
    expect(email.html).toContain('&#60;script&#62;alert(1)&#60;/script&#62;');
    expect(email.html).toContain('A &#38; B Bcc: x@example.org');
    expect(email.subject).toBe(
      '<script>alert(1)</script> mentioned you in “A & B Bcc: x@example.org”',
    );
    expect(email.subject).not.toMatch(/[\r\n]/);
    expect(email.text).not.toContain('\r\nBcc');
  });

  it('tells of several mentions in one email', () => {
    const other = { ...pat, byName: 'Hal', documentTitle: 'Survey', threadId: 'thr2' };
    const email = composeMentionEmail('Cleo', [pat, other], base);
    expect(email.subject).toBe('You were mentioned 2 times in Chorus');
    expect(email.text).toContain('#thread-thr1');
    expect(email.text).toContain('Hal mentioned you in a comment on “Survey”');
    expect(email.text).toContain('#thread-thr2');
  });
});
