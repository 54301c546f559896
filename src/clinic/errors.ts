import type { ErrorDescriber, ErrorView } from '../web/errors';
import { isVseeError } from '../vsee';
import { VisitClosedError, VisitNotFoundError, VisitOwnershipError } from './flows/context';

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
          title: 'errors.unavailableTitle',
          message: 'errors.unavailableText',
          retryAfter: 30,
        };
      case 'timeout':
        return {
          status: 504,
          title: 'errors.timeoutTitle',
          message: 'errors.timeoutText',
          retryAfter: 30,
        };
      case 'rejected':
        return {
          status: 502,
          title: 'errors.rejectedTitle',
          message: 'errors.rejectedText',
        };
      case 'bad_response':
        return {
          status: 502,
          title: 'errors.badResponseTitle',
          message: 'errors.rejectedText',
        };
    }
  }
  if (err instanceof VisitNotFoundError) {
    return {
      status: 404,
      title: 'errors.visitNotFoundTitle',
      message: 'errors.visitNotFoundText',
    };
  }
  if (err instanceof VisitClosedError) {
    return {
      status: 409,
      title: 'errors.visitClosedTitle',
      message: 'errors.visitClosedText',
    };
  }
  if (err instanceof VisitOwnershipError) {
    return {
      status: 409,
      title: 'errors.ownershipTitle',
      message: 'errors.ownershipText',
    };
  }
  return undefined;
};
