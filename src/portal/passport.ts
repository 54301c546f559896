import { Passport } from 'passport';
import { Strategy as LocalStrategy } from 'passport-local';
import type { Db } from '../db/connection';
import { authenticate, findPatientById, type Patient, type VseeCodeSource } from './accounts';

declare global {
  // eslint-disable-next-line @typescript-eslint/no-namespace
  namespace Express {
    // eslint-disable-next-line @typescript-eslint/no-empty-object-type
    interface User extends Patient {}
  }
}

/** What the session remembers of a patient: the id and the password generation, nothing personal. */
interface SessionUser {
  id: number;
  v: number;
}

export type PortalPassport = InstanceType<typeof Passport>;

/**
 * A Passport instance of our own (not the module singleton), so two apps in one test process
 * never share strategies or serializers.
 */
export function createPassport(db: Db, vseeCode: VseeCodeSource = 'portal'): PortalPassport {
  const passport = new Passport();

  passport.use(
    new LocalStrategy({ usernameField: 'email', passwordField: 'password' }, (email, password, done) => {
      authenticate(db, email, password).then((patient) => done(null, patient ?? false), done);
    }),
  );

  passport.serializeUser((user, done) => {
    const sessionUser: SessionUser = { id: user.id, v: user.sessionVersion };
    done(null, sessionUser);
  });

  // A session from before a password change carries an old version and is treated as logged out.
  passport.deserializeUser((stored: SessionUser, done) => {
    findPatientById(db, stored.id, vseeCode).then(
      (patient) => done(null, patient && patient.sessionVersion === stored.v ? patient : false),
      done,
    );
  });

  return passport;
}
