/**
 * Typed errors. Services throw these (or their own subclasses); the error handler maps them once to a
 * status and a friendly page. `messageKey` is a translation key shown to the person.
 */
export class AppError extends Error {
  constructor(
    readonly status: number,
    readonly messageKey: string,
    message?: string,
  ) {
    super(message ?? messageKey);
  }
}

/** The base of an error that is one HTTP status with a default message key `errors.<status>.text`. */
function statusError(status: number): new (messageKey?: string) => AppError {
  return class extends AppError {
    constructor(messageKey = `errors.${status}.text`) {
      super(status, messageKey);
    }
  };
}

export class BadRequestError extends statusError(400) {}
export class ForbiddenError extends statusError(403) {}
export class NotFoundError extends statusError(404) {}
export class ConflictError extends statusError(409) {}
export class GoneError extends statusError(410) {}
export class TooManyRequestsError extends statusError(429) {}

export class MethodNotAllowedError extends AppError {
  /** The methods the path does take, for the Allow header (RFC 9110 requires it on a 405). */
  constructor(readonly allow: readonly string[] = ['GET', 'HEAD', 'POST']) {
    super(405, 'errors.405.text');
  }
}

/** Someone switched in by PIN asks for more than a volunteer may do: the error handler sends them to step-up. */
export class StepUpRequiredError extends ForbiddenError {
  constructor() {
    super('desk-pcs.step_up.needed');
  }
}
