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

export class BadRequestError extends AppError {
  constructor(messageKey = 'errors.400.text') {
    super(400, messageKey);
  }
}
export class ForbiddenError extends AppError {
  constructor(messageKey = 'errors.403.text') {
    super(403, messageKey);
  }
}
export class NotFoundError extends AppError {
  constructor(messageKey = 'errors.404.text') {
    super(404, messageKey);
  }
}
export class MethodNotAllowedError extends AppError {
  /** The methods the path does take, for the Allow header (RFC 9110 requires it on a 405). */
  constructor(readonly allow: readonly string[] = ['GET', 'HEAD', 'POST']) {
    super(405, 'errors.405.text');
  }
}
export class ConflictError extends AppError {
  constructor(messageKey = 'errors.409.text') {
    super(409, messageKey);
  }
}
export class GoneError extends AppError {
  constructor(messageKey = 'errors.410.text') {
    super(410, messageKey);
  }
}
export class TooManyRequestsError extends AppError {
  constructor(messageKey = 'errors.429.text') {
    super(429, messageKey);
  }
}
