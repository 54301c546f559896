import { z } from 'zod';
import { isCommonPassword } from './common-passwords';

const MAX_NAME = 100;

/** A required text field with a patient-facing message for "missing" and "wrong type" alike. */
function text(label: string, max: number) {
  return z
    .string({ error: `Enter your ${label}` })
    .trim()
    .min(1, `Enter your ${label}`)
    .max(max, `Your ${label} must be ${max} characters or fewer`);
}

const email = z
  .string({ error: 'Enter your email address' })
  .trim()
  .min(1, 'Enter your email address')
  .max(254, 'Email addresses are at most 254 characters')
  .pipe(z.email({ error: 'Enter an email address like name@example.com' }))
  .transform((v) => v.toLowerCase());

/** YYYY-MM-DD, a real calendar day, not in the future, not before 1900. */
const dob = z
  .string({ error: 'Enter your date of birth' })
  .trim()
  .min(1, 'Enter your date of birth')
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'Enter your date of birth as YYYY-MM-DD')
  .refine((v) => {
    const date = new Date(`${v}T00:00:00Z`);
    return !Number.isNaN(date.getTime()) && date.toISOString().slice(0, 10) === v;
  }, 'Enter a real date')
  .refine((v) => v >= '1900-01-01', 'Enter a date after 1900')
  .refine((v) => v <= new Date().toISOString().slice(0, 10), 'Your date of birth cannot be in the future');

export const PASSWORD_MIN = 8;
export const PASSWORD_MAX = 256;

// Length only, no composition rules (NIST 800-63B): passphrases welcome, checked exactly as typed.
const newPassword = z
  .string({ error: 'Choose a password' })
  .min(PASSWORD_MIN, `Use at least ${PASSWORD_MIN} characters`)
  .max(PASSWORD_MAX, `Use at most ${PASSWORD_MAX} characters`)
  .refine(
    (p) => !isCommonPassword(p),
    'This password is too common. Choose one that others are unlikely to use.',
  );

export const profileSchema = z.object({
  first_name: text('first name', MAX_NAME),
  last_name: text('last name', MAX_NAME),
  dob,
  email,
});

export const signupSchema = profileSchema.extend({ password: newPassword });

export const loginSchema = z.object({
  email: z.string({ error: 'Enter your email address' }).trim().min(1, 'Enter your email address').max(254),
  password: z.string({ error: 'Enter your password' }).min(1, 'Enter your password').max(PASSWORD_MAX),
});

export const passwordChangeSchema = z
  .object({
    current_password: z
      .string({ error: 'Enter your current password' })
      .min(1, 'Enter your current password'),
    new_password: newPassword,
    confirm_password: z.string({ error: 'Repeat the new password' }),
  })
  .refine((v) => v.new_password === v.confirm_password, {
    path: ['confirm_password'],
    message: 'The two new passwords do not match',
  });

export const forgotPasswordSchema = z.object({ email });

export const passwordResetSchema = z
  .object({
    new_password: newPassword,
    confirm_password: z.string({ error: 'Repeat the new password' }),
  })
  .refine((v) => v.new_password === v.confirm_password, {
    path: ['confirm_password'],
    message: 'The two new passwords do not match',
  });

export type ProfileForm = z.infer<typeof profileSchema>;
