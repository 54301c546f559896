import type { Request, Response } from 'express';
import { recordAudit } from '../audit/audit-log';
import type { Db } from '../db/connection';
import type { Mailer } from '../email/mailer';
import { emailChangedEmail } from '../email/messages';
import { parseForm } from '../web/forms';
import type { RateLimits } from '../web/rate-limits';
import { sendVerificationEmail } from './email-handlers';
import { personalDetailsProblem } from './password-policy';
import { changePassword, EmailTakenError, type Patient, updateProfile } from './accounts';
import { passwordChangeSchema, profileSchema } from './forms';

function profileValues(patient: Patient) {
  return {
    first_name: patient.firstName,
    last_name: patient.lastName,
    dob: patient.dob,
    email: patient.email,
  };
}

/** "24 hours and 1 hour" for the profile's reminders section. */
function reminderLabel(minutes: number[]): string | undefined {
  const words = minutes.map((m) =>
    m % 1440 === 0 ? plural(m / 1440, 'day') : m % 60 === 0 ? plural(m / 60, 'hour') : plural(m, 'minute'),
  );
  return words.length === 0 ? undefined : words.join(' and ');
}

function plural(n: number, unit: string): string {
  return `${n} ${unit}${n === 1 ? '' : 's'}`;
}

export function profileHandlers(db: Db, rateLimits: RateLimits, mailer: Mailer) {
  const renderProfile = (res: Response, status: number, locals: Record<string, unknown>): void => {
    res.status(status).render('profile', {
      title: 'Your profile',
      errors: {},
      passwordErrors: {},
      reminderLabel: reminderLabel(mailer.reminderOffsetsMinutes),
      ...locals,
    });
  };

  return {
    show(req: Request, res: Response): void {
      renderProfile(res, 200, { values: profileValues(req.user!) });
    },

    async update(req: Request, res: Response): Promise<void> {
      const form = parseForm(profileSchema, req.body);
      if (!form.ok) return renderProfile(res, 400, { values: form.values, errors: form.errors });
      const { first_name, last_name, dob, email } = form.data;
      const before = req.user!;
      let updated: Patient;
      try {
        updated = await updateProfile(db, before.id, {
          firstName: first_name,
          lastName: last_name,
          dob,
          email,
        });
      } catch (error) {
        if (!(error instanceof EmailTakenError)) throw error;
        return renderProfile(res, 409, {
          values: form.data,
          errors: { email: 'This email cannot be used. Choose another one.' },
        });
      }
      await recordAudit(db, {
        accountId: req.user!.id,
        action: 'profile_update',
        outcome: 'success',
        requestId: String(req.id),
        ip: req.ip ?? null,
      });
      // A new address is confirmed through a link sent to it; the old one is told about the change.
      if (updated.email !== before.email) {
        await sendVerificationEmail(db, mailer, updated);
        await mailer.queue(emailChangedEmail(mailer.sender, before.email, before.firstName), 'email_changed');
        req.session.notice =
          'Your profile was saved. Open the link we sent to your new email address to confirm it.';
      } else {
        req.session.notice = 'Your profile was saved.';
      }
      res.redirect(303, '/profile');
    },

    /**
     * Changing the password bumps the account's session version, which logs out every other
     * session; this one is re-stamped with the new version so the patient stays logged in here.
     */
    async changePassword(req: Request, res: Response): Promise<void> {
      const values = profileValues(req.user!);
      const form = parseForm(passwordChangeSchema, req.body);
      if (!form.ok) return renderProfile(res, 400, { values, passwordErrors: form.errors });
      const problem = personalDetailsProblem(form.data.new_password, req.user!);
      if (problem) return renderProfile(res, 400, { values, passwordErrors: { new_password: problem } });
      // Someone at an unlocked screen must not get unlimited guesses at the current password.
      await rateLimits.checkPasswordChange(req.user!.id);
      const updated = await changePassword(
        db,
        req.user!.id,
        form.data.current_password,
        form.data.new_password,
      );
      await recordAudit(db, {
        accountId: req.user!.id,
        action: 'password_change',
        outcome: updated ? 'success' : 'failure',
        requestId: String(req.id),
        ip: req.ip ?? null,
      });
      if (!updated) {
        await rateLimits.passwordChangeFailed(req.user!.id);
        return renderProfile(res, 400, {
          values,
          passwordErrors: { current_password: 'Your current password is not right' },
        });
      }
      const loggedInAt = req.session.loggedInAt;
      await new Promise<void>((resolve, reject) =>
        req.login(updated, (err) => (err ? reject(err) : resolve())),
      );
      req.session.loggedInAt = loggedInAt;
      req.session.notice = 'Your password was changed. Other devices have been logged out.';
      res.redirect(303, '/profile');
    },
  };
}
