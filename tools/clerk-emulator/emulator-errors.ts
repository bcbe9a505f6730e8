/**
 * Clerk's error envelope: `{"errors":[{code,message,long_message,meta}],"clerk_trace_id"}`
 * (`ClerkErrors` and `ClerkError` in the Backend API OpenAPI spec). The codes are Clerk's own.
 */
export interface ClerkErrorJson {
  code: string;
  message: string;
  long_message: string;
  meta?: Record<string, unknown>;
}

export class EmulatorHttpError extends Error {
  constructor(
    readonly status: number,
    readonly error: ClerkErrorJson,
    readonly headers: Record<string, string> = {},
  ) {
    super(error.long_message);
  }
}

function fail(status: number, code: string, message: string, longMessage: string, paramName?: string) {
  const meta = paramName === undefined ? undefined : { param_name: paramName };
  return new EmulatorHttpError(status, { code, message, long_message: longMessage, ...(meta && { meta }) });
}

export const clerkErrors = {
  unauthorized: () =>
    fail(
      401,
      'authentication_invalid',
      'Invalid authentication',
      'Unable to authenticate the request, you need to supply an active API key',
    ),
  notFound: () => fail(404, 'resource_not_found', 'not found', 'Resource not found'),
  identifierExists: (param: string) =>
    fail(
      422,
      'form_identifier_exists',
      `That ${param.replace(/_/g, ' ')} is taken. Please try another.`,
      `That ${param.replace(/_/g, ' ')} is taken. Please try another.`,
      param,
    ),
  duplicateInvitation: () =>
    fail(
      422,
      'duplicate_record',
      'duplicate invitation',
      'There are already pending invitations for the following email addresses',
      'email_address',
    ),
  digestInvalid: () =>
    fail(
      422,
      'form_password_digest_invalid_code',
      'invalid password digest',
      'The password digest is not valid for the given password hasher.',
      'password_digest',
    ),
  paramMissing: (param: string) => fail(422, 'form_param_missing', `${param} must be included.`, `${param} must be included.`, param),
  paramInvalid: (param: string, why: string) => fail(422, 'form_param_value_invalid', 'is invalid', `${param} ${why}`, param),
  formatInvalid: (param: string) => fail(422, 'form_param_format_invalid', 'is invalid', `${param} must be a valid email address.`, param),
  unknownParam: (param: string) =>
    fail(422, 'form_param_unknown', 'Is unknown', `${param} is not a valid parameter for this request.`, param),
  tooLong: (param: string, max: number) =>
    fail(422, 'form_param_max_length_exceeded', 'is too long', `${param} should not exceed ${max} characters.`, param),
  passwordTooShort: () =>
    fail(
      422,
      'form_password_length_too_short',
      'Passwords must be 8 characters or more.',
      'Passwords must be 8 characters or more.',
      'password',
    ),
  passwordIncorrect: () =>
    fail(
      422,
      'form_password_incorrect',
      'Password is incorrect. Try again, or use another method.',
      'Password is incorrect. Try again, or use another method.',
      'password',
    ),
  identifierNotFound: () =>
    fail(422, 'form_identifier_not_found', "Couldn't find your account.", "Couldn't find your account.", 'identifier'),
  invitationNotPending: () => fail(400, 'invitation_not_pending', 'invitation not pending', 'Only pending invitations can be revoked.'),
  developmentUserLimit: (cap: number) =>
    fail(
      422,
      'user_quota_exceeded',
      'user limit reached',
      `You have reached your limit of ${cap} users. If you need more users, please use a Production instance.`,
    ),
  malformedBody: () => fail(400, 'malformed_request', 'malformed request', 'The request body is not valid JSON.'),
  rateLimited: (retryAfterSeconds: number) =>
    new EmulatorHttpError(
      429,
      { code: 'too_many_requests', message: 'Too many requests', long_message: 'Too many requests, please try again later.' },
      { 'Retry-After': String(retryAfterSeconds) },
    ),
  internal: () =>
    fail(
      500,
      'internal_clerk_error',
      'Oops, an unexpected error occurred',
      'There was an internal error on our servers. Please try again later.',
    ),
};
