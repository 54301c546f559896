import type { RequestHandler } from 'express';
import { z } from 'zod';
import { hex32 } from '../ids';
import type { UserType } from '../models';
import type { SandboxState } from '../state';
import { ApiError } from './api-error';
import { bodyOf, flag, optional, parseFields, required } from './fields';
import { userJson } from './serialize';

const ssoFields = z.object({
  first_name: required,
  last_name: required,
  // docs/vsee-contract.md §2: 200 member, 400 provider, 600 guest. Absent means member, the portal's only use.
  type: optional.pipe(z.enum(['200', '400', '600']).nullable()),
  code: optional.pipe(z.string().max(128).nullable()),
  dob: optional.pipe(
    z
      .string()
      .regex(/^\d{4}-\d{2}-\d{2}$/, 'must be YYYY-MM-DD')
      .nullable(),
  ),
  email: optional,
  disable_emails: flag.optional(),
});

/** `POST /users/sso`: creates the user on the first call with a `code`, returns the same user after. */
export function ssoHandler(state: SandboxState): RequestHandler {
  return (req, res) => {
    const f = parseFields(ssoFields, bodyOf(req.body));
    const type = Number(f.type ?? '200') as UserType;
    // Guests are one-time users: VSee generates their code (docs/vsee-contract.md §2).
    if (type !== 600 && f.code === null) throw new ApiError(400, 'Missing or invalid field: code');
    const { user } = state.upsertUser({
      type,
      code: type === 600 ? null : f.code,
      first_name: f.first_name,
      last_name: f.last_name,
      dob: f.dob,
      email: f.email,
      disable_emails: f.disable_emails ?? null,
    });
    const data = userJson(user, state.issueToken(user.id));
    if (req.query.fields === 'vsee') data.vsee = { id: data.vseeid, token: hex32() };
    res.json({ data });
  };
}
