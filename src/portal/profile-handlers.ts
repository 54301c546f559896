import type { Request, Response } from 'express';
import { recordAudit } from '../audit/audit-log';
import type { Db } from '../db/connection';
import { parseForm } from '../web/forms';
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

function renderProfile(res: Response, status: number, locals: Record<string, unknown>): void {
  res.status(status).render('profile', { title: 'Your profile', errors: {}, passwordErrors: {}, ...locals });
}

export function profileHandlers(db: Db) {
  return {
    show(req: Request, res: Response): void {
      renderProfile(res, 200, { values: profileValues(req.user!) });
    },

    async update(req: Request, res: Response): Promise<void> {
      const form = parseForm(profileSchema, req.body);
      if (!form.ok) return renderProfile(res, 400, { values: form.values, errors: form.errors });
      const { first_name, last_name, dob, email } = form.data;
      try {
        await updateProfile(db, req.user!.id, { firstName: first_name, lastName: last_name, dob, email });
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
      req.session.notice = 'Your profile was saved.';
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
