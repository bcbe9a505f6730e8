import { STATUS_CODES } from 'node:http';
import { AppError, CommonErrorCode } from './app-error.js';

export interface ErrorBody {
  statusCode: number;
  error: string;
  message: string;
  code: string;
  details?: Record<string, unknown>;
}

const CODE_BY_STATUS: Record<number, CommonErrorCode> = {
  400: CommonErrorCode.BadRequest,
  401: CommonErrorCode.Unauthorized,
  403: CommonErrorCode.Forbidden,
  404: CommonErrorCode.NotFound,
  413: CommonErrorCode.PayloadTooLarge,
  429: CommonErrorCode.TooManyRequests,
};

export function errorBody(status: number, code: string, message: string, details?: Record<string, unknown>): ErrorBody {
  return { statusCode: status, error: STATUS_CODES[status] ?? 'Error', message, code, ...(details ? { details } : {}) };
}

/** Turns whatever was thrown into the JSON body every error of this API has. */
export function toErrorBody(exception: unknown): ErrorBody {
  if (exception instanceof AppError) {
    return errorBody(exception.status, exception.code, exception.message, exception.details);
  }
  const clerk = asClerkFailure(exception);
  if (clerk) return errorBody(clerk.status, clerk.code, clerk.message);
  const http = asHttpLike(exception);
  if (http) {
    const code = http.code ?? CODE_BY_STATUS[http.status] ?? (http.status >= 500 ? CommonErrorCode.Internal : CommonErrorCode.BadRequest);
    return errorBody(http.status, code, http.message);
  }
  return errorBody(500, CommonErrorCode.Internal, 'Internal server error');
}

/** Nest's HttpException and body-parser's errors both carry a status; read them without importing either. */
function asHttpLike(exception: unknown): { status: number; message: string; code?: string } | undefined {
  if (typeof exception !== 'object' || exception === null) return undefined;
  const candidate = exception as {
    getStatus?: () => number;
    getResponse?: () => unknown;
    status?: number;
    type?: string;
    message?: string;
  };
  if (typeof candidate.getStatus === 'function') {
    const response = candidate.getResponse?.();
    const message =
      typeof response === 'object' && response && 'message' in response
        ? String((response as { message: unknown }).message)
        : candidate.message;
    return { status: candidate.getStatus(), message: message ?? 'Error' };
  }
  if (candidate.type === 'entity.too.large') {
    return { status: 413, message: 'Request body is too large', code: CommonErrorCode.PayloadTooLarge };
  }
  if (candidate.type === 'entity.parse.failed') {
    return { status: 400, message: 'Request body is not valid JSON', code: CommonErrorCode.InvalidJson };
  }
  if (typeof candidate.status === 'number' && candidate.status >= 400 && candidate.status < 500) {
    return { status: candidate.status, message: candidate.message ?? 'Bad request' };
  }
  return undefined;
}

/** The codes of `asClerkFailure`. */
export const CLERK_FAILURE_CODES = ['clerk_not_configured', 'clerk_unauthorized', 'clerk_unavailable'] as const;

/**
 * A Clerk call that failed for the whole service rather than one user (no key, a refused key, Clerk
 * unreachable), when it reaches the edge unhandled. Read by shape, so `common` needs no import of
 * the Clerk adapter; the kinds are `ClerkErrorKind`'s.
 */
export function asClerkFailure(exception: unknown): { status: number; code: string; message: string } | undefined {
  if (!(exception instanceof Error) || exception.name !== 'ClerkGatewayError') return undefined;
  const kind = (exception as { kind?: string }).kind;
  const [notConfigured, unauthorized, unavailable] = CLERK_FAILURE_CODES;
  if (kind === 'not_configured') return { status: 503, code: notConfigured, message: exception.message };
  if (kind === 'unauthorized') return { status: 502, code: unauthorized, message: 'Clerk refused the secret key (CLERK_SECRET_KEY)' };
  return { status: 502, code: unavailable, message: `Clerk could not complete the request: ${exception.message}` };
}
