import type { Request, Response } from 'express';
import { hex32 } from '../ids';
import type { SandboxSession, SandboxUser } from '../models';
import type { SandboxState } from '../state';

/** The sandbox's own cookie, separate from the portal's: VSee keeps its own login after /auth. */
export const SESSION_COOKIE = 'vsee_sandbox_session';

function cookieValue(req: Request, name: string): string | undefined {
  for (const part of (req.get('Cookie') ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}

/** The logged-in session and its user, if the cookie names a live one. */
export function currentSession(
  req: Request,
  state: SandboxState,
): { session: SandboxSession; user: SandboxUser } | undefined {
  const id = cookieValue(req, SESSION_COOKIE);
  const session = id === undefined ? undefined : state.sessions.get(id);
  const user = session && state.users.get(session.userId);
  return session && user ? { session, user } : undefined;
}

/** Starts a fresh session (a new id at every login, so an old cookie never gains a new user). */
export function startSession(
  res: Response,
  state: SandboxState,
  userId: string,
  disableNavigation: boolean,
  cookiePath: string,
): SandboxSession {
  const session: SandboxSession = { id: hex32(), userId, disableNavigation, createdAt: state.nowMs() };
  state.sessions.set(session.id, session);
  // Lax so a top-level redirect from the portal carries it; no Secure because the sandbox is plain http.
  res.cookie(SESSION_COOKIE, session.id, { httpOnly: true, sameSite: 'lax', path: cookiePath });
  return session;
}
