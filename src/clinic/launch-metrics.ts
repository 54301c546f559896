import type { NextFunction, Request, Response } from 'express';
import type { Metrics } from '../ops/metrics';

/** The launch flows as counted in portal_launches_total (the audit actions without `launch_`). */
export type LaunchFlow = 'clinic' | 'walkin' | 'rejoin' | 'appointment' | 'open_appointment' | 'econsult';

/** What the patient got: sent on (any redirect), refused (4xx: form, limit, not theirs), or failed (5xx). */
function outcomeOf(
  status: number,
  location: string | undefined,
): 'success' | 'rejected' | 'failure' | 'unknown' {
  // Sent to the page that checks on a create whose answer was lost: not known yet (docs/exactly-once.md).
  if (location === '/visits/checking') return 'unknown';
  if (status < 400) return 'success';
  return status < 500 ? 'rejected' : 'failure';
}

/**
 * Counts each launch by flow and outcome once its answer is sent. At the route, not in the flows:
 * what the patient finally saw is the outcome an operator alerts on.
 */
export function countLaunch(metrics: Metrics | undefined, flow: LaunchFlow) {
  return (_req: Request, res: Response, next: NextFunction): void => {
    if (metrics) {
      res.on('finish', () =>
        metrics.portalLaunches.inc({ flow, outcome: outcomeOf(res.statusCode, res.get('Location')) }),
      );
    }
    next();
  };
}
