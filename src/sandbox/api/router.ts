import express, { type Router } from 'express';
import multer from 'multer';
import type { SandboxContext } from '../context';
import { apiErrorHandler, apiNotFound } from './api-error';
import { availabilityHandler, bookVisitHandler } from './appointments';
import { requireAccount, requireApiKeyAndSecret, requireToken } from './auth';
import { captureFields, knobbed, startLogEntry, stripJsonSuffix } from './instrument';
import { createIntakeHandler, getIntakeHandler } from './intakes';
import { getRoomHandler, listRoomProvidersHandler } from './rooms';
import { ssoHandler } from './sso';
import { addEconsultHandler, addWalkinHandler, getVisitHandler, listVisitsHandler } from './visits';

const BODY_LIMIT = '100kb';

/** The VSee REST API, mounted under the API prefix. Each route: knobs → headers → handler. */
export function apiRouter(ctx: SandboxContext): Router {
  const { state } = ctx;
  const router = express.Router();
  const token = requireToken(state);
  const patientCall = [requireAccount, token];

  router.use(stripJsonSuffix, startLogEntry(ctx));
  // VSee examples use all three encodings (docs/vsee-contract.md §0); multer().none() rejects file parts.
  router.use(
    express.json({ limit: BODY_LIMIT }),
    express.urlencoded({ extended: true, limit: BODY_LIMIT }),
    multer({ limits: { fieldSize: 100_000, fields: 100 } }).none(),
    captureFields,
  );

  router.post(
    '/users/sso',
    knobbed('users/sso', ctx),
    requireAccount,
    requireApiKeyAndSecret,
    ssoHandler(state),
  );
  router.post('/intakes', knobbed('intakes', ctx), ...patientCall, createIntakeHandler(state));
  router.get('/intakes/:id', knobbed('intakes/:id', ctx), ...patientCall, getIntakeHandler(state));
  router.post(
    '/visits/add_walkin',
    knobbed('visits/add_walkin', ctx),
    ...patientCall,
    addWalkinHandler(state),
  );
  // docs/vsee-contract.md §6: one revision says /add_econsult, another /visits/add_econsult; both work.
  for (const path of ['/visits/add_econsult', '/add_econsult']) {
    router.post(path, knobbed('visits/add_econsult', ctx), ...patientCall, addEconsultHandler(state));
  }
  // docs/vsee-contract.md §7: documented as GET, demonstrated with a POST body; both work.
  router.get('/availability', knobbed('availability', ctx), ...patientCall, availabilityHandler(state));
  router.post('/availability', knobbed('availability', ctx), ...patientCall, availabilityHandler(state));
  router.post('/visits', knobbed('visits', ctx), ...patientCall, bookVisitHandler(state));
  router.get('/visits', knobbed('visits/list', ctx), ...patientCall, listVisitsHandler(state));
  router.get('/visits/:id', knobbed('visits/:id', ctx), ...patientCall, getVisitHandler(state));
  router.get('/rooms/:code', knobbed('rooms/:code', ctx), requireAccount, getRoomHandler(state));
  router.get(
    '/rooms/:code/providers',
    knobbed('rooms/:code/providers', ctx),
    requireAccount,
    listRoomProvidersHandler(state),
  );

  router.use(apiNotFound);
  router.use(apiErrorHandler(ctx.logger));
  return router;
}
