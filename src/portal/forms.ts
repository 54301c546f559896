import { z } from 'zod';
import { isCommonPassword } from './common-passwords';

const MAX_NAME = 100;

// Messages are translation keys (locales/*.json), translated where the form is shown.

/** A required text field with one message for "missing" and "wrong type" alike. */
function text(messages: { missing: string; tooLong: string }, max: number) {
  return z.string({ error: messages.missing }).trim().min(1, messages.missing).max(max, messages.tooLong);
}

const email = z
  .string({ error: 'form.emailMissing' })
  .trim()
  .min(1, 'form.emailMissing')
  .max(254, 'form.emailTooLong')
  .pipe(z.email({ error: 'form.emailInvalid' }))
  .transform((v) => v.toLowerCase());

/** YYYY-MM-DD, a real calendar day, not in the future, not before 1900. */
const dob = z
  .string({ error: 'form.dobMissing' })
  .trim()
  .min(1, 'form.dobMissing')
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'form.dobFormat')
  .refine((v) => {
    const date = new Date(`${v}T00:00:00Z`);
    return !Number.isNaN(date.getTime()) && date.toISOString().slice(0, 10) === v;
  }, 'form.dobNotReal')
  .refine((v) => v >= '1900-01-01', 'form.dobTooEarly')
  .refine((v) => v <= new Date().toISOString().slice(0, 10), 'form.dobFuture');

export const PASSWORD_MIN = 8;
export const PASSWORD_MAX = 256;

// Length only, no composition rules (NIST 800-63B): passphrases welcome, checked exactly as typed.
const newPassword = z
  .string({ error: 'form.passwordMissing' })
  .min(PASSWORD_MIN, 'form.passwordTooShort')
  .max(PASSWORD_MAX, 'form.passwordTooLong')
  .refine((p) => !isCommonPassword(p), 'form.passwordCommon');

export const profileSchema = z.object({
  first_name: text({ missing: 'form.firstNameMissing', tooLong: 'form.firstNameTooLong' }, MAX_NAME),
  last_name: text({ missing: 'form.lastNameMissing', tooLong: 'form.lastNameTooLong' }, MAX_NAME),
  dob,
  email,
});

export const signupSchema = profileSchema.extend({ password: newPassword });

export const loginSchema = z.object({
  email: z.string({ error: 'form.emailMissing' }).trim().min(1, 'form.emailMissing').max(254),
  password: z
    .string({ error: 'form.loginPasswordMissing' })
    .min(1, 'form.loginPasswordMissing')
    .max(PASSWORD_MAX),
});

export const passwordChangeSchema = z
  .object({
    current_password: z
      .string({ error: 'form.currentPasswordMissing' })
      .min(1, 'form.currentPasswordMissing'),
    new_password: newPassword,
    confirm_password: z.string({ error: 'form.confirmMissing' }),
  })
  .refine((v) => v.new_password === v.confirm_password, {
    path: ['confirm_password'],
    message: 'form.confirmMismatch',
  });

export const forgotPasswordSchema = z.object({ email });

export const passwordResetSchema = z
  .object({
    new_password: newPassword,
    confirm_password: z.string({ error: 'form.confirmMissing' }),
  })
  .refine((v) => v.new_password === v.confirm_password, {
    path: ['confirm_password'],
    message: 'form.confirmMismatch',
  });

export type ProfileForm = z.infer<typeof profileSchema>;
