import { composeEmail, type EmailMessage } from './compose';

// Every message here is built from what the patient already knows: never an SSO or VSee token,
// never a password, never the reason for a visit.

export interface Sender {
  clinicName: string;
  publicUrl: string;
}

export function passwordResetEmail(s: Sender, to: string, firstName: string, token: string): EmailMessage {
  return composeEmail({
    to,
    clinicName: s.clinicName,
    subject: `Reset your ${s.clinicName} password`,
    greeting: `Hello ${firstName},`,
    paragraphs: [
      'Someone asked to reset the password of your patient portal account. If it was you, choose a new password here:',
    ],
    action: { label: 'Choose a new password', url: `${s.publicUrl}/password/reset/${token}` },
    footnotes: [
      'This link works once, for 30 minutes.',
      'If you did not ask for this, ignore this email: your password stays as it is.',
    ],
  });
}

export function verifyEmail(s: Sender, to: string, firstName: string, token: string): EmailMessage {
  return composeEmail({
    to,
    clinicName: s.clinicName,
    subject: `Confirm your email address for ${s.clinicName}`,
    greeting: `Hello ${firstName},`,
    paragraphs: ['Please confirm that this is your email address, so the clinic can reach you here.'],
    action: { label: 'Confirm my email address', url: `${s.publicUrl}/email/verify/${token}` },
    footnotes: [
      'This link works once, for 24 hours.',
      'If you did not create an account, ignore this email.',
    ],
  });
}

export function signupAttemptEmail(s: Sender, to: string): EmailMessage {
  return composeEmail({
    to,
    clinicName: s.clinicName,
    subject: `Someone tried to create a ${s.clinicName} account with your email`,
    greeting: 'Hello,',
    paragraphs: [
      'Someone tried to create a patient portal account with this email address, which already has one. No new account was made.',
      'If it was you, log in instead.',
      `If you forgot your password, choose a new one here: ${s.publicUrl}/password/forgot`,
    ],
    action: { label: 'Log in', url: `${s.publicUrl}/login` },
    footnotes: ['If it was not you, you need not do anything.'],
  });
}

export function emailChangedEmail(s: Sender, to: string, firstName: string): EmailMessage {
  return composeEmail({
    to,
    clinicName: s.clinicName,
    subject: `The email address of your ${s.clinicName} account was changed`,
    greeting: `Hello ${firstName},`,
    paragraphs: [
      'The email address of your patient portal account was just changed, so messages will no longer come to this address.',
      'If you did not make this change, call the clinic right away.',
    ],
  });
}

export interface AppointmentDetails {
  visitId: number;
  when: string;
  provider: string;
}

export function appointmentConfirmationEmail(
  s: Sender,
  to: string,
  firstName: string,
  appointment: AppointmentDetails,
  calendar: string,
): EmailMessage {
  return composeEmail({
    to,
    clinicName: s.clinicName,
    subject: `Your video appointment on ${appointment.when}`,
    greeting: `Hello ${firstName},`,
    paragraphs: [
      `Your video appointment is booked for ${appointment.when} with ${appointment.provider}.`,
      'When it is time, open it from the patient portal: it takes you into the video room.',
      'The attached calendar file adds it to your calendar.',
    ],
    action: { label: 'See your appointment', url: `${s.publicUrl}/appointments/${appointment.visitId}` },
    footnotes: ['You can turn appointment reminders off in your profile.'],
    calendar,
  });
}

export function appointmentReminderEmail(
  s: Sender,
  to: string,
  firstName: string,
  appointment: AppointmentDetails,
): EmailMessage {
  return composeEmail({
    to,
    clinicName: s.clinicName,
    subject: `Reminder: your video appointment on ${appointment.when}`,
    greeting: `Hello ${firstName},`,
    paragraphs: [
      `This is a reminder of your video appointment on ${appointment.when} with ${appointment.provider}.`,
      'A few minutes before, open it from the patient portal: it takes you into the video room.',
    ],
    action: { label: 'Open your appointment', url: `${s.publicUrl}/appointments/${appointment.visitId}` },
    footnotes: ['You can turn appointment reminders off in your profile.'],
  });
}
