import type { Request, Response } from 'express';
import type { SandboxContext } from '../context';
import type { SafeHtml } from '../pages/html';
import { layout } from '../pages/layout';
import { messageBody } from '../pages/patient-pages';
import { currentSession } from './session';
import { fullName } from './view-models';

export const NOBODY = 'Nobody (not logged in)';

/** Sends a sandbox page with the frame filled from the session: who is logged in, navigation or not. */
export function sendPage(
  ctx: SandboxContext,
  req: Request,
  res: Response,
  page: { status?: number; title: string; body: SafeHtml; who?: string; refreshSeconds?: number },
): void {
  const current = currentSession(req, ctx.state);
  const who = page.who ?? (current ? fullName(current.user) : NOBODY);
  const nav = current?.session.disableNavigation ? null : { clinicPrefix: ctx.clinicPrefix };
  res
    .status(page.status ?? 200)
    .type('html')
    .send(layout({ title: page.title, who, nav, body: page.body, refreshSeconds: page.refreshSeconds }));
}

/** Sends a refusal page with `status` and a plain message. */
export function sendRefusal(
  ctx: SandboxContext,
  req: Request,
  res: Response,
  status: number,
  title: string,
  message: string,
): void {
  sendPage(ctx, req, res, { status, title, body: messageBody(message) });
}
