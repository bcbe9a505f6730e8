import { applyDecorators } from '@nestjs/common';
import { ApiBearerAuth, ApiProperty, ApiPropertyOptional, ApiResponse } from '@nestjs/swagger';

/** The name of the enum of every error code in the OpenAPI document; the document's builder fills it in. */
export const ERROR_CODE_SCHEMA = 'ErrorCode';

/** Every error of this API, as `toErrorBody` writes it. */
export class ErrorBodyDto {
  @ApiProperty({ example: 404, description: 'The HTTP status, repeated' })
  statusCode: number;

  @ApiProperty({ example: 'Not Found', description: 'The status text' })
  error: string;

  @ApiProperty({ example: 'No migration run with id 0b5f2c1e-8a4d-4f3b-9c1a-2d7e6f8a9b0c', description: 'For a person; never a secret' })
  message: string;

  @ApiProperty({
    allOf: [{ $ref: `#/components/schemas/${ERROR_CODE_SCHEMA}` }],
    description: 'Stable and machine-readable: branch on this',
  })
  code: string;

  @ApiPropertyOptional({ type: 'object', additionalProperties: true, description: 'Safe facts that help, e.g. the validation problems' })
  details?: Record<string, unknown>;
}

/** What each status means wherever it is not said more precisely. */
const MEANING: Record<number, string> = {
  400: 'The request is not valid (validation_failed, invalid_json, …); message says what',
  401: 'No token, or one that is not valid (missing_token, invalid_token, token_expired, clerk_user_not_linked, …)',
  403: 'The caller is not an admin (forbidden)',
  404: 'No such thing (not_found, run_not_found, user_not_found)',
  409: 'Another run or rollback is in progress (run_in_progress)',
  410: 'Gone',
  413: 'The request body is larger than HTTP_BODY_LIMIT (payload_too_large)',
  429: 'Too many requests; see Retry-After',
  502: 'Clerk refused the secret key or could not complete the request (clerk_unauthorized, clerk_unavailable)',
  503: 'Clerk is not configured: CLERK_SECRET_KEY is not set (clerk_not_configured)',
};

/** A status, or a status with what it means on this route. */
export type ErrorAnswer = number | [status: number, description: string];

/** Documents error answers of a route (or of every route of a controller), each with the error body. */
export function ApiErrors(...answers: ErrorAnswer[]): MethodDecorator & ClassDecorator {
  return applyDecorators(
    ...answers.map((answer) => {
      const [status, description] = typeof answer === 'number' ? [answer, MEANING[answer] ?? 'Error'] : answer;
      return ApiResponse({ status, description, type: ErrorBodyDto });
    }),
  );
}

/** A route that reads a JSON body: the body may be invalid, malformed or too large. */
export const ApiJsonBody = (): MethodDecorator & ClassDecorator => ApiErrors(400, 413);

/**
 * The four kinds of bearer token the global guard takes, each a security scheme of its own in the
 * OpenAPI document (`createOpenApiDocument` declares them); a route needing a token accepts any one.
 */
export const BEARER_SCHEMES = {
  clerkSession: 'A Clerk session token (JWT, about a minute long), verified with the instance keys',
  legacyToken: 'A legacy token (HS256 JWT) from POST /auth/login, while LEGACY_AUTH_ENABLED is true',
  clerkApiKey: 'A Clerk API key (ak_…): acts as the user who owns it, verified by Clerk',
  clerkM2mToken: 'A Clerk M2M token (mt_… or JWT): an operator when its machine is in CLERK_ADMIN_MACHINES',
} as const;

/** A route that needs a token, of any of the four kinds. */
export const ApiAnyBearer = (): ClassDecorator & MethodDecorator =>
  applyDecorators(...Object.keys(BEARER_SCHEMES).map((name) => ApiBearerAuth(name)));

/** Admin-only routes: a bearer token with the admin role, or 401/403. */
export const ApiAdmin = (): ClassDecorator & MethodDecorator => applyDecorators(ApiAnyBearer(), ApiErrors(401, 403));
