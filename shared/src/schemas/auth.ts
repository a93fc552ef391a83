import { z } from 'zod';

export const PASSWORD_MIN = 8;
export const PASSWORD_MAX = 256;

const email = z
  .string({ error: 'Enter your email address.' })
  .trim()
  .max(254, 'Email addresses are at most 254 characters.')
  .pipe(z.email({ error: 'Enter an email address like name@example.org.' }))
  .transform((v) => v.toLowerCase());

// Passwords are never trimmed or truncated: every character counts.
const password = z
  .string({ error: 'Enter a password.' })
  .min(PASSWORD_MIN, `Use at least ${PASSWORD_MIN} characters for your password.`)
  .max(PASSWORD_MAX, `Use at most ${PASSWORD_MAX} characters for your password.`);

export const nameSchema = z
  .string({ error: 'Enter your name.' })
  .trim()
  .min(1, 'Enter your name.')
  .max(100, 'Names are at most 100 characters.');

export const signUpSchema = z.object({ name: nameSchema, email, password });
export type SignUpInput = z.infer<typeof signUpSchema>;

export const signInSchema = z.object({
  email,
  password: z
    .string({ error: 'Enter your password.' })
    .min(1, 'Enter your password.')
    .max(PASSWORD_MAX),
});
export type SignInInput = z.infer<typeof signInSchema>;

export const userSchema = z.object({
  id: z.string(),
  name: z.string(),
  email: z.string(),
  color: z.string(),
});
export type User = z.infer<typeof userSchema>;

export const meResponseSchema = z.object({ user: userSchema });

/** Where the link in a confirmation email leads: `${CHORUS_ORIGIN}/confirm-email?token=…`. */
export const CONFIRM_EMAIL_PATH = '/confirm-email';

/**
 * A confirmation token as the server makes it: 160 random bits in lower-case base32 (32
 * characters). Anything else cannot be one, so it is refused before any look-up.
 */
export const CONFIRM_EMAIL_TOKEN_PATTERN = /^[a-z2-7]{32}$/;

/** What `POST /api/auth/confirm-email` takes: the token from the email's link. */
export const confirmEmailSchema = z
  .object(
    {
      token: z
        .string({
          error:
            'This link has no confirmation code. Open the link from the email again, or copy all of it into the address bar.',
        })
        .regex(
          CONFIRM_EMAIL_TOKEN_PATTERN,
          'This link is not complete. Open the link from the email again, or copy all of it into the address bar.',
        ),
    },
    { error: 'Send a JSON object such as {"token": "…"} with the code from the email’s link.' },
  )
  .strict();
export type ConfirmEmailInput = z.infer<typeof confirmEmailSchema>;
