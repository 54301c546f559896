/** What a password must not contain: the patient's own email address and name. */
export interface PersonalDetails {
  email: string;
  firstName: string;
  lastName: string;
}

const MIN_PART = 3;

/**
 * An error message when the password contains the email address (or its part before the @) or the
 * patient's first or last name, ignoring case and accents' encoding; undefined when it is fine.
 * Those are the first guesses of anyone who knows the patient.
 */
export function personalDetailsProblem(password: string, who: PersonalDetails): string | undefined {
  const lowered = password.normalize('NFC').toLowerCase();
  const email = who.email.normalize('NFC').trim().toLowerCase();
  const local = email.split('@')[0] ?? '';
  if (lowered.includes(email) || (local.length >= MIN_PART && lowered.includes(local))) {
    return 'form.passwordHasEmail';
  }
  for (const name of [who.firstName, who.lastName]) {
    const part = name.normalize('NFC').trim().toLowerCase();
    if (part.length >= MIN_PART && lowered.includes(part)) {
      return 'form.passwordHasName';
    }
  }
  return undefined;
}
