import { randomUUID } from 'node:crypto';
import { type Request, type Response, Router } from 'express';
import type { ClinicDeps, PatientContext } from '../clinic/flows/context';
import { goToClinic, seeDoctorNow } from '../clinic/flows/launch';
import type { VseeCodeSource } from '../portal/accounts';
import type { RateLimits } from '../web/rate-limits';
import { LaunchReplayGuard } from './launch-replay';
import {
  type LaunchAction,
  type LaunchRefusal,
  LaunchTokenError,
  type LaunchTokenVerifier,
} from './launch-token';
import { auditIdentity, logInIdentity } from './login-session';

export interface LaunchRouteDeps {
  clinic: ClinicDeps;
  verifier: LaunchTokenVerifier;
  rateLimits: RateLimits;
  vseeCode: VseeCodeSource;
  /** The clinic's own portal, offered as the way back from a refused link. */
  returnUrl?: string;
}

/** Portal pages a launch can end on, for the actions that do not go straight to VSee. */
const PAGES: Record<Exclude<LaunchAction, 'clinic' | 'walkin'>, string> = {
  schedule: '/appointments/new',
  econsult: '/econsult/new',
  visits: '/visits',
};

const REFUSALS: Record<LaunchRefusal, { status: number; title: string; message: string }> = {
  replayed: {
    status: 409,
    title: 'identity.replayedTitle',
    message: 'identity.replayedText',
  },
  expired: {
    status: 401,
    title: 'identity.expiredTitle',
    message: 'identity.expiredText',
  },
  keys_unavailable: {
    status: 503,
    title: 'identity.keysTitle',
    message: 'identity.keysText',
  },
  ...Object.fromEntries(
    (
      [
        'malformed',
        'unsigned',
        'bad_signature',
        'wrong_issuer',
        'wrong_audience',
        'not_yet_valid',
        'too_long_lived',
      ] as const
    ).map((reason) => [
      reason,
      {
        status: reason === 'malformed' ? 400 : 401,
        title: 'identity.invalidTitle',
        message: 'identity.invalidText',
      },
    ]),
  ),
} as Record<LaunchRefusal, { status: number; title: string; message: string }>;

/**
 * `GET /launch?token=…` and `POST /launch` (form field `token`, which keeps it out of URLs): a signed
 * launch link from the clinic's portal logs the patient in and does what it asks. Mounted before the
 * CSRF check: the POST comes from the clinic's site, and the signed single-use token is its proof.
 */
export function launchRoutes(deps: LaunchRouteDeps): Router {
  const replay = new LaunchReplayGuard(deps.clinic.db);
  const router = Router();

  async function refuse(req: Request, res: Response, reason: LaunchRefusal): Promise<void> {
    await auditIdentity(deps.clinic.db, req, 'launch_link', 'rejected', null, reason);
    const view = REFUSALS[reason];
    res.status(view.status).render('identity/refused', {
      title: view.title,
      message: view.message,
      backUrl: deps.returnUrl ?? '/',
      backLabel: deps.returnUrl ? 'identity.backToClinicPortal' : 'errors.backHome',
    });
  }

  async function launch(req: Request, res: Response): Promise<void> {
    const body = req.body as Record<string, unknown> | undefined;
    const token = req.method === 'POST' ? body?.token : req.query.token;
    if (typeof token !== 'string' || token.length === 0 || token.length > 8192) {
      return refuse(req, res, 'malformed');
    }
    let claims;
    try {
      claims = await deps.verifier.verify(token);
    } catch (error) {
      if (error instanceof LaunchTokenError) return refuse(req, res, error.reason);
      throw error;
    }
    if (!(await replay.firstUse(claims.issuer, claims.jti, claims.expiresAt))) {
      return refuse(req, res, 'replayed');
    }
    const patient = await logInIdentity(req, deps.clinic.db, claims, deps.vseeCode);
    await auditIdentity(deps.clinic.db, req, 'launch_link', 'success', patient.id, claims.action);

    const ctx: PatientContext = { patient, requestId: String(req.id), ip: req.ip ?? null };
    if (claims.action === 'clinic' || claims.action === 'walkin') {
      await deps.rateLimits.countLaunch(patient.id);
      const location =
        claims.action === 'clinic'
          ? await goToClinic(deps.clinic, ctx)
          : await seeDoctorNow(
              deps.clinic,
              { ...ctx, allowNewVisit: () => deps.rateLimits.countVisitCreation(patient.id) },
              { launchKey: randomUUID(), reason: claims.reason },
            );
      // A bare 302, as the portal's own buttons answer: the Location carries VSee's SSO token.
      res.status(302).set('Location', location).end();
      return;
    }
    res.redirect(303, PAGES[claims.action]);
  }

  router.get('/launch', launch);
  router.post('/launch', launch);
  return router;
}
