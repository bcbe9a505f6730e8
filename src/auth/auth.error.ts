import { AppError } from '../common/app-error.js';

export enum AuthErrorCode {
  MissingToken = 'missing_token',
  InvalidToken = 'invalid_token',
  TokenExpired = 'token_expired',
  InvalidCredentials = 'invalid_credentials',
  LegacyAuthDisabled = 'legacy_auth_disabled',
  ClerkUserNotLinked = 'clerk_user_not_linked',
  ClerkUnavailable = 'clerk_unavailable',
  UserGone = 'user_not_found',
  Forbidden = 'forbidden',
  ForeignOrigin = 'foreign_origin',
  TooManyAttempts = 'too_many_login_attempts',
  /** A Clerk API key whose owner is not a user of this service (never linked, or deleted at Clerk). */
  ApiKeyOwnerUnknown = 'api_key_owner_unknown',
  /** A token kind this service does not take (Clerk OAuth access tokens). */
  UnsupportedToken = 'unsupported_token',
  /** The route names a scope the API key or M2M token does not carry. */
  InsufficientScope = 'insufficient_scope',
}

export class AuthError extends AppError {
  retryAfterSeconds?: number;

  static unauthorized(code: AuthErrorCode, message: string): AuthError {
    return new AuthError(401, code, message);
  }

  static tooManyAttempts(retryAfterSeconds: number, what = 'login attempts'): AuthError {
    const error = new AuthError(429, AuthErrorCode.TooManyAttempts, `Too many ${what}; try again in ${retryAfterSeconds} s`);
    error.retryAfterSeconds = retryAfterSeconds;
    return error;
  }
}
