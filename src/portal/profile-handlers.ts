import type { Request, Response } from 'express';
import { recordAudit } from '../audit/audit-log';
import type { Db } from '../db/connection';
import type { Mailer } from '../email/mailer';
import { emailChangedEmail } from '../email/messages';
import { consentParagraphs, latestConsent } from '../clinic/consent';
import { clockFor, pickTimeZone } from '../clinic/time-zones';
import type { PortalSettings } from '../portal-settings';
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

/** "24 hours and 1 hour" for the profile's reminders section, in the page's language. */
function reminderLabel(t: (key: string, options?: Record<string, unknown>) => string, minutes: number[]) {
  const words = minutes.map((m) =>
    m % 1440 === 0
      ? t('profile.reminderDays', { count: m / 1440 })
      : m % 60 === 0
        ? t('profile.reminderHours', { count: m / 60 })
        : t('profile.reminderMinutes', { count: m }),
  );
  return words.length === 0 ? undefined : words.join(t('profile.reminderAnd'));
}

export function profileHandlers(db: Db, rateLimits: RateLimits, mailer: Mailer, settings?: PortalSettings) {
  /** "December 1, 2026, 3:02 PM EST": in the patient's zone, else the clinic's, else UTC (named). */
  function moment(req: Request, res: Response, iso: string): string {
    const zone = pickTimeZone(req.session.timezone, settings?.clinic.timezone);
    return clockFor(String(res.locals.intlLocale ?? 'en-US'), zone).moment(
      Math.floor(Date.parse(iso) / 1000),
    );
  }

  /** The profile page; with CONSENT_FILE set, it also says when the patient agreed to the consent. */
  async function renderProfile(req: Request, res: Response, status: number, locals: Record<string, unknown>) {
    let consent: { agreedOn?: string } | undefined;
    if (settings?.consent) {
      const agreed = await latestConsent(db, req.user!.id);
      consent = { agreedOn: agreed ? moment(req, res, agreed.agreedAt) : undefined };
    }
    res.status(status).render('profile', {
      title: 'profile.title',
      errors: {},
      passwordErrors: {},
      consent,
      reminderLabel: reminderLabel(req.t, mailer.reminderOffsetsMinutes),
      ...locals,
    });
  }

  return {
    async show(req: Request, res: Response): Promise<void> {
      await renderProfile(req, res, 200, { values: profileValues(req.user!) });
    },

    /** What the patient agreed to, word for word, even after the clinic changed the text. */
    async showConsent(req: Request, res: Response): Promise<void> {
      const agreed = await latestConsent(db, req.user!.id);
      if (!agreed) return res.redirect(303, '/profile');
      res.render('consent-read', {
        title: 'consent.readTitle',
        agreedOn: moment(req, res, agreed.agreedAt),
        paragraphs: consentParagraphs(agreed.text),
      });
    },

    async update(req: Request, res: Response): Promise<void> {
      const form = parseForm(profileSchema, req.body);
      if (!form.ok) return renderProfile(req, res, 400, { values: form.values, errors: form.errors });
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
        return renderProfile(req, res, 409, {
          values: form.data,
          errors: { email: 'form.emailUnusable' },
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
        const language = res.locals.language as string | undefined;
        await sendVerificationEmail(db, mailer, updated, language);
        const words = mailer.languages.pick(before.language, language);
        await mailer.queue(emailChangedEmail(words, before.email, before.firstName), 'email_changed');
        req.session.notice = 'profile.savedConfirmNewEmail';
      } else {
        req.session.notice = 'profile.saved';
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
      if (!form.ok) return renderProfile(req, res, 400, { values, passwordErrors: form.errors });
      const problem = personalDetailsProblem(form.data.new_password, req.user!);
      if (problem) return renderProfile(req, res, 400, { values, passwordErrors: { new_password: problem } });
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
        return renderProfile(req, res, 400, {
          values,
          passwordErrors: { current_password: 'form.currentPasswordWrong' },
        });
      }
      const loggedInAt = req.session.loggedInAt;
      await new Promise<void>((resolve, reject) =>
        req.login(updated, (err) => (err ? reject(err) : resolve())),
      );
      req.session.loggedInAt = loggedInAt;
      req.session.notice = 'profile.passwordChanged';
      res.redirect(303, '/profile');
    },
  };
}
