import { describe, expect, it } from 'vitest';
import { composeConfirmationEmail, confirmationLink, lifetimeWords } from './confirmationEmail.ts';

const link = confirmationLink('https://chorus.example.org', 'abcdefghijklmnopqrstuvwxyz234567');

describe('the confirmation email', () => {
  it('links to the confirmation page, says how long the link works and that it can be ignored', () => {
    const email = composeConfirmationEmail('pat@example.org', link, 24 * 3600_000);
    expect(link).toBe(
      'https://chorus.example.org/confirm-email?token=abcdefghijklmnopqrstuvwxyz234567',
    );
    expect(email.subject).toBe('Confirm your email address for Chorus');
    expect(email.text).toContain(`(pat@example.org). To confirm that it is yours`);
    expect(email.text).toContain(`\n${link}\n`);
    expect(email.text).toContain('The link works once, for 24 hours.');
    expect(email.text).toContain('If you did not sign up for Chorus, you can ignore this email');
    expect(email.html).toContain(`<a href="${link}">Confirm my email address</a>`);
    expect(email.html).toContain('If you did not sign up for Chorus, you can ignore this email');
  });

  it('escapes the address in the HTML', () => {
    const email = composeConfirmationEmail('"<b>x</b>"@example.org', link, 3600_000);
    expect(email.html).not.toContain('<b>x</b>');
    expect(email.html).toContain('&#34;&#60;b&#62;x&#60;/b&#62;&#34;@example.org');
  });

  it('says lifetimes in words', () => {
    expect(lifetimeWords(24 * 3600_000)).toBe('24 hours');
    expect(lifetimeWords(3600_000)).toBe('1 hour');
    expect(lifetimeWords(90_000)).toBe('2 minutes');
    expect(lifetimeWords(500)).toBe('1 minute');
  });
});
