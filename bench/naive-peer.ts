import type { AddressInfo } from 'node:net';
import axios from 'axios';
import express from 'express';
import session from 'express-session';
import helmet from 'helmet';
import passport from 'passport';
import { Strategy as LocalStrategy } from 'passport-local';
import type { VseeSettings } from '../src/config';
import { serveParent } from './ipc';
import { phaseProfiler } from './profiler';

/**
 * The naive peer: the integration a clinic developer would write from VSee's docs, plainly, with
 * each package's documented setup and defaults. Express, helmet(), express-session with its memory
 * store, passport-local, axios with no options. A patient logs in, then each press makes the three
 * VSee calls of a walk-in and answers 302. No database, no CSRF, no de-duplication, no audit.
 */
const vsee = JSON.parse(process.env.BENCH_VSEE ?? '{}') as VseeSettings;
const patients = Number(process.env.BENCH_PATIENTS ?? 50);

interface NaiveUser {
  id: number;
  email: string;
  password: string;
  firstName: string;
  lastName: string;
  dob: string;
}
const users = new Map<number, NaiveUser>();
for (let id = 1; id <= patients * 3; id += 1) {
  users.set(id, {
    id,
    email: `naive${id}@example.test`,
    password: 'correct horse battery staple',
    firstName: 'Ada',
    lastName: `Naive${id}`,
    dob: '1985-12-10',
  });
}

// This process shares the portal's type declarations, where Express.User is the portal's patient.
const asUser = (user: NaiveUser) => user as unknown as Express.User;

passport.use(
  new LocalStrategy({ usernameField: 'email' }, (email, password, done) => {
    const user = [...users.values()].find((u) => u.email === email);
    done(null, user && user.password === password ? asUser(user) : false);
  }),
);
passport.serializeUser((user, done) => done(null, user.id));
passport.deserializeUser((id: number, done) => {
  const user = users.get(id);
  done(null, user ? asUser(user) : false);
});

const app = express();
app.use(helmet());
app.use(express.urlencoded({ extended: false }));
app.use(session({ secret: 'keyboard cat', resave: false, saveUninitialized: false }));
app.use(passport.session());

app.post('/login', passport.authenticate('local'), (_req, res) => {
  res.redirect('/');
});

const api = vsee.apiUrl;
app.post('/visits/walkin', async (req, res) => {
  const user = req.user as unknown as NaiveUser | undefined;
  if (!user) {
    res.redirect('/login');
    return;
  }
  try {
    const sso = await axios.post(
      `${api}users/sso`,
      {
        first_name: user.firstName,
        last_name: user.lastName,
        dob: user.dob,
        email: user.email,
        type: 200,
        code: `naive-${user.id}`,
      },
      {
        headers: {
          'X-AccountCode': vsee.accountCode,
          'X-ApiKey': vsee.apiKey,
          'X-ApiSecret': vsee.apiSecret,
        },
      },
    );
    const token = sso.data.data.token.token as string;
    const auth = { headers: { 'X-AccountCode': vsee.accountCode, 'X-ApiToken': token } };
    const intake = await axios.post(
      `${api}intakes`,
      { room_code: vsee.roomCode, type: 1, member_id: sso.data.data.id },
      auth,
    );
    const visit = await axios.post(
      `${api}visits/add_walkin`,
      { intake_id: intake.data.data.id, room_code: vsee.roomCode },
      auth,
    );
    res.redirect(
      `${vsee.clinicUrl}auth?sso_token=${encodeURIComponent(token)}&next=/visits/start/${visit.data.data.id}`,
    );
  } catch {
    res.status(502).send('VSee is unavailable');
  }
});

const server = app.listen(0, '127.0.0.1', () => {
  const { port } = server.address() as AddressInfo;
  const profiler = phaseProfiler();
  serveParent(
    { url: `http://127.0.0.1:${port}` },
    {
      rss: () => process.memoryUsage().rss,
      profileStart: () => profiler.start(),
      profileStop: (name) => profiler.stop(name as string),
    },
    async () => {
      server.closeAllConnections();
      server.close();
    },
  );
});
server.keepAliveTimeout = 65_000;
