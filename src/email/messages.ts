import { composeEmail, type EmailMessage } from './compose';
import type { EmailWords } from './email-language';

// Every message here is built from what the patient already knows: never an SSO or VSee token,
// never a password, never the reason for a visit. Every word is a translation key (locales/*.json,
// `mail.*`), in the language the caller picked with EmailLanguages.

export interface Sender {
  publicUrl: string;
}

function greeting(w: EmailWords, firstName?: string): string {
  return firstName ? w.t('mail.greeting', { name: firstName }) : w.t('mail.greetingNoName');
}

/** The parts every message shares: recipient, signature and the link hint under a button. */
function base(w: EmailWords, to: string) {
  return { to, clinicName: w.clinicName, copyLinkHint: w.t('mail.copyLink') };
}

export function passwordResetEmail(
  s: Sender,
  w: EmailWords,
  to: string,
  firstName: string,
  token: string,
): EmailMessage {
  const { t } = w;
  return composeEmail({
    ...base(w, to),
    subject: t('mail.reset.subject', { clinic: w.clinicName }),
    greeting: greeting(w, firstName),
    paragraphs: [t('mail.reset.text')],
    action: { label: t('mail.reset.action'), url: `${s.publicUrl}/password/reset/${token}` },
    footnotes: [t('mail.reset.once'), t('mail.reset.notYou')],
  });
}

export function verifyEmail(
  s: Sender,
  w: EmailWords,
  to: string,
  firstName: string,
  token: string,
): EmailMessage {
  const { t } = w;
  return composeEmail({
    ...base(w, to),
    subject: t('mail.verify.subject', { clinic: w.clinicName }),
    greeting: greeting(w, firstName),
    paragraphs: [t('mail.verify.text')],
    action: { label: t('mail.verify.action'), url: `${s.publicUrl}/email/verify/${token}` },
    footnotes: [t('mail.verify.once'), t('mail.verify.notYou')],
  });
}

export function signupAttemptEmail(s: Sender, w: EmailWords, to: string): EmailMessage {
  const { t } = w;
  return composeEmail({
    ...base(w, to),
    subject: t('mail.signupAttempt.subject', { clinic: w.clinicName }),
    greeting: greeting(w),
    paragraphs: [
      t('mail.signupAttempt.text'),
      t('mail.signupAttempt.next'),
      t('mail.signupAttempt.forgot', { url: `${s.publicUrl}/password/forgot` }),
    ],
    action: { label: t('mail.signupAttempt.action'), url: `${s.publicUrl}/login` },
    footnotes: [t('mail.signupAttempt.notYou')],
  });
}

export function emailChangedEmail(w: EmailWords, to: string, firstName: string): EmailMessage {
  const { t } = w;
  return composeEmail({
    ...base(w, to),
    subject: t('mail.emailChanged.subject', { clinic: w.clinicName }),
    greeting: greeting(w, firstName),
    paragraphs: [t('mail.emailChanged.text'), t('mail.emailChanged.notYou')],
  });
}

export interface AppointmentDetails {
  visitId: number;
  /** The start with its zone, already in the email's language ("martes, 1 de diciembre…"). */
  when: string;
  provider: string;
  /** The visit type the patient chose, when the clinic offers several. */
  visitType?: string;
}

export function appointmentConfirmationEmail(
  s: Sender,
  w: EmailWords,
  to: string,
  firstName: string,
  appointment: AppointmentDetails,
  calendar: string,
): EmailMessage {
  const { t } = w;
  const { when, provider, visitType } = appointment;
  return composeEmail({
    ...base(w, to),
    subject: t('mail.confirmation.subject', { when }),
    greeting: greeting(w, firstName),
    paragraphs: [
      t('mail.confirmation.text', { when, provider }),
      ...(visitType ? [t('mail.visitType', { type: visitType })] : []),
      t('mail.confirmation.howToJoin'),
      t('mail.confirmation.calendar'),
    ],
    action: {
      label: t('mail.confirmation.action'),
      url: `${s.publicUrl}/appointments/${appointment.visitId}`,
    },
    footnotes: [t('mail.remindersOff')],
    calendar,
  });
}

export function appointmentReminderEmail(
  s: Sender,
  w: EmailWords,
  to: string,
  firstName: string,
  appointment: AppointmentDetails,
): EmailMessage {
  const { t } = w;
  const { when, provider, visitType } = appointment;
  return composeEmail({
    ...base(w, to),
    subject: t('mail.reminder.subject', { when }),
    greeting: greeting(w, firstName),
    paragraphs: [
      t('mail.reminder.text', { when, provider }),
      ...(visitType ? [t('mail.visitType', { type: visitType })] : []),
      t('mail.reminder.howToJoin'),
    ],
    action: { label: t('mail.reminder.action'), url: `${s.publicUrl}/appointments/${appointment.visitId}` },
    footnotes: [t('mail.remindersOff')],
  });
}
