import type { ErrorDescriber, ErrorView } from '../web/errors';
import { isVseeError } from '../vsee';
import { VisitClosedError, VisitNotFoundError, VisitOwnershipError } from './flows/context';

const CALL_THE_CLINIC = 'If you need care now, please call the clinic.';
const VISITS_KEPT = 'Anything the clinic already received is kept under My visits.';

/**
 * VSee failures in plain words with what to do next. The kind decides the words; VSee's own message
 * never reaches the page (it may be technical, or say more than a patient should see).
 */
export const describeClinicError: ErrorDescriber = (err): ErrorView | undefined => {
  if (isVseeError(err)) {
    switch (err.kind) {
      case 'unavailable':
        return {
          status: 503,
          title: 'The clinic is not answering right now',
          message: `We could not reach the clinic's video service. Please try again in a minute. ${VISITS_KEPT} ${CALL_THE_CLINIC}`,
          retryAfter: 30,
        };
      case 'timeout':
        return {
          status: 504,
          title: 'The clinic took too long to answer',
          message: `Please try again in a minute. ${VISITS_KEPT} ${CALL_THE_CLINIC}`,
          retryAfter: 30,
        };
      case 'rejected':
        return {
          status: 502,
          title: 'The clinic could not accept this request',
          message: `Please try again. If it happens again, call the clinic and give them the reference below. ${VISITS_KEPT}`,
        };
      case 'bad_response':
        return {
          status: 502,
          title: 'The clinic sent an answer we did not understand',
          message: `Please try again. If it happens again, call the clinic and give them the reference below. ${VISITS_KEPT}`,
        };
    }
  }
  if (err instanceof VisitNotFoundError) {
    return {
      status: 404,
      title: 'Visit not found',
      message: 'We could not find that visit among yours. Open My visits to see them all.',
    };
  }
  if (err instanceof VisitClosedError) {
    return {
      status: 409,
      title: 'This visit has ended',
      message: 'It can no longer be joined. Open My visits, or start a new visit from your dashboard.',
    };
  }
  if (err instanceof VisitOwnershipError) {
    return {
      status: 409,
      title: 'We could not open this visit',
      message:
        'The clinic does not list this visit under your name, so we did not open it. Please call the clinic and give them the reference below.',
    };
  }
  return undefined;
};
