/**
 * The one error type services throw. It carries an HTTP status and a stable machine-readable code
 * so that the same failure reads the same through REST, the CLI and the scheduler's logs.
 * Feature modules subclass it with their own code enums.
 */
export class AppError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    /** Safe, non-secret facts that help the caller (never a password, hash or token). */
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

export enum CommonErrorCode {
  ValidationFailed = 'validation_failed',
  NotFound = 'not_found',
  BadRequest = 'bad_request',
  PayloadTooLarge = 'payload_too_large',
  InvalidJson = 'invalid_json',
  Unauthorized = 'unauthorized',
  Forbidden = 'forbidden',
  /** A Clerk API key or M2M token asked for what only a signed-in person has (`GET /users/me`). */
  NotAPerson = 'not_a_person',
  TooManyRequests = 'too_many_requests',
  Overloaded = 'overloaded',
  Internal = 'internal_error',
}
