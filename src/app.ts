import { join } from 'node:path';
import ejs from 'ejs';
import express, { type Express } from 'express';
import type { Store } from 'express-session';
import { describeClinicError } from './clinic/errors';
import type { ClinicDeps } from './clinic/flows/context';
import { clinicRoutes, settleBeforeDashboard } from './clinic/routes';
import { exposeIdentity, identityRoutes } from './identity/routes';
import { launchRoutes } from './identity/launch-routes';
import { LaunchTokenVerifier } from './identity/launch-token';
import type { Config, VseeSettings } from './config';
import type { Db } from './db/connection';
import type { Metrics } from './ops/metrics';
import { httpMetrics } from './ops/metrics-server';
import { AppointmentMail } from './email/appointment-mail';
import { Mailer } from './email/mailer';
import { emailRoutes, requireVerifiedEmail, VSEE_PATHS } from './portal/email-routes';
import { createPassport } from './portal/passport';
import { portalRoutes } from './portal/routes';
import { absoluteLifetime, exposeNotice, sessionCookieName, sessionMiddleware } from './portal/sessions';
import { BODY_LIMIT, requireFormBodies } from './web/body-guards';
import { csrfProtection, exposeCsrfToken } from './web/csrf';
import { errorHandler, notFound } from './web/errors';
import { healthRoutes, type ReadinessCheck } from './web/health';
import { ClinicRoom } from './clinic/clinic-room';
import { clinicZoneSource } from './clinic/clinic-zone';
import { VisitTypes } from './clinic/visit-types';
import { createI18n, detectLanguage, fallbackPageLocals, LanguageKits, pageLocals } from './web/i18n';
import type { Logger } from './web/logger';
import { RateLimits } from './web/rate-limits';
import { closeConnectionsWhenDraining, warnAboutUntrustedProxy } from './web/proxy-and-drain';
import { requestLogging } from './web/request-logging';
import { cspNonce, noStore, securityHeaders } from './web/security-headers';
import { webhookRoutes } from './webhooks/routes';
import type { VseeClient } from './vsee';

export interface AppDeps {
  config: Config;
  /** The VSee clinic in use: the real one from config, or the built-in sandbox's. */
  vsee: VseeSettings;
  /** The client for that clinic (one per process: it holds the keep-alive connection pool). */
  vseeClient: VseeClient;
  db: Db;
  logger: Logger;
  sessionStore: Store;
  readinessChecks?: ReadinessCheck[];
  /** Brute-force and abuse counters (in Redis when configured); in memory if not given. */
  rateLimits?: RateLimits;
  /** True once shutdown has begun: /readyz answers 503 so the load balancer stops sending traffic. */
  isDraining?: () => boolean;
  /** Timing of the clinic flows (tests shorten the waits); defaults from config. */
  clinicTiming?: Pick<
    ClinicDeps,
    'launchWaitMs' | 'abandonedAfterMs' | 'lateCreateGraceMs' | 'checkingForMs'
  >;
  /** Secret of the VSee webhook receiver; default config.vseeWebhookSecret (the runtime may make one up for the sandbox). */
  webhookSecret?: string;
  /** Prometheus metrics, served on METRICS_PORT by server.ts; none recorded when absent. */
  metrics?: Metrics;
}

const ROOT = join(__dirname, '..');
const VIEWS = join(ROOT, 'views');

/**
 * EJS with its options given, not read from Express's settings: views include partials by absolute
 * name (`include('/partials/top')`) resolved against VIEWS, which spares EJS the disk lookups
 * (existsSync) it makes for every relative include on every render; templates cached in production.
 */
function renderView(cache: boolean) {
  return (path: string, data: object, callback: (err: Error | null, html?: string) => void) =>
    ejs.renderFile(path, data, { root: VIEWS, cache }, callback);
}

/** Builds the portal: middleware, routers, 404 and error handler. No I/O happens here. */
export function createApp(deps: AppDeps): Express {
  const { config, db, logger } = deps;
  const app = express();
  const secureCookies = config.env === 'production';
  const cookieName = sessionCookieName(secureCookies);
  const passport = createPassport(db, config.identity.vseePatientCode);
  const rateLimits = deps.rateLimits ?? new RateLimits();
  const languages = new LanguageKits(createI18n(config.portal), config.portal);

  app.disable('x-powered-by');
  // A hop count, never `true`: with `true` any client could pick its own IP via X-Forwarded-For.
  app.set('trust proxy', config.trustProxy);
  app.set('views', VIEWS);
  app.engine('ejs', renderView(config.env === 'production'));
  app.set('view engine', 'ejs');
  app.set('view cache', config.env === 'production');

  app.use(requestLogging(logger));
  if (deps.metrics) app.use(httpMetrics(deps.metrics));
  app.use(closeConnectionsWhenDraining(deps.isDraining ?? (() => false)));
  app.use(warnAboutUntrustedProxy(logger, { trustProxy: config.trustProxy, isProduction: secureCookies }));
  app.use(
    cspNonce,
    securityHeaders({
      clinicOrigin: new URL(deps.vsee.clinicUrl).origin,
      isProduction: secureCookies,
      imageOrigins: config.portal.clinic.logoUrl ? [new URL(config.portal.clinic.logoUrl).origin] : [],
    }),
  );
  app.use(healthRoutes(deps.readinessChecks ?? [], deps.isDraining ?? (() => false)));
  // Before sessions, CSRF and the form parser: VSee posts JSON with a secret, not a session (README).
  app.use(
    webhookRoutes({
      db,
      logger,
      secret: deps.webhookSecret ?? config.vseeWebhookSecret,
      rateLimits,
      accountCode: deps.vsee.accountCode,
      metrics: deps.metrics,
    }),
  );
  app.use('/static', express.static(join(ROOT, 'public'), { maxAge: '1h', index: false }));

  app.use(noStore);
  app.use(requireFormBodies, express.urlencoded({ extended: false, limit: BODY_LIMIT, parameterLimit: 50 }));
  app.use(
    sessionMiddleware({
      store: deps.sessionStore,
      secrets: config.sessionSecrets,
      idleMs: config.sessionIdleMs,
      secureCookies,
    }),
  );
  app.use(absoluteLifetime(config.sessionAbsoluteMs));
  app.use(passport.session());
  app.use((req, res, next) => {
    res.locals.user = req.user;
    res.locals.currentPath = req.path;
    next();
  });
  app.use(detectLanguage(languages), pageLocals(db, languages, secureCookies));
  app.use(exposeNotice, exposeIdentity(config));
  const clinicDeps: ClinicDeps = {
    db,
    vsee: deps.vseeClient,
    settings: deps.vsee,
    logger,
    abandonedAfterMs: config.launchTakeoverMs,
    lateCreateGraceMs: config.lateCreateGraceMs,
    ...deps.clinicTiming,
  };
  // Before the CSRF check: a launch link is posted from the clinic's own site (src/identity/launch-routes.ts).
  if (config.identity.launch) {
    app.use(
      launchRoutes({
        clinic: clinicDeps,
        verifier: new LaunchTokenVerifier(config.identity.launch, config.publicUrl),
        rateLimits,
        vseeCode: config.identity.vseePatientCode,
        returnUrl: config.identity.launchReturnUrl,
      }),
    );
  }
  app.use(csrfProtection(new URL(config.publicUrl).origin), exposeCsrfToken);

  // Email only queues here (one INSERT); the runtime's outbox sender delivers it.
  const mailer = new Mailer(db, config, logger);
  // Before the dashboard renders, creates whose answer was lost are found out (bounded).
  app.get('/', settleBeforeDashboard(clinicDeps));
  app.use(identityRoutes(config, db));
  app.use(portalRoutes(db, passport, cookieName, rateLimits, mailer, config.portal));
  app.use(emailRoutes({ db, mailer, rateLimits, logger }));
  app.use(VSEE_PATHS, requireVerifiedEmail(mailer));
  // One read of the VSee room, kept a few minutes, for both the clinic's zone and its visit types.
  const room = new ClinicRoom(deps.vseeClient);
  app.use(
    clinicRoutes(
      clinicDeps,
      rateLimits,
      {
        settings: config.portal,
        clinicZone: clinicZoneSource(config.portal.clinic.timezone, room, logger),
        visitTypes: new VisitTypes(room),
        mail: new AppointmentMail(db, mailer),
      },
      deps.metrics,
    ),
  );

  app.use(notFound);
  app.use(errorHandler(logger, [describeClinicError], fallbackPageLocals(languages)));
  return app;
}
