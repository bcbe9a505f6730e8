import { isClerkAPIResponseError } from '@clerk/backend/errors';
import { ClerkErrorKind, ClerkGatewayError } from './clerk-gateway.error.js';

/** Clerk's codes for "this identifier already belongs to a user or a pending invitation". */
const CONFLICT_CODES = new Set(['form_identifier_exists', 'duplicate_record']);

function kindOf(status: number | undefined, code: string | undefined): ClerkErrorKind {
  // `@clerk/backend` turns a failed fetch (refused, reset, dropped) into an error with no status.
  if (status === undefined) return ClerkErrorKind.Transient;
  if (status === 401 || status === 403) return ClerkErrorKind.Unauthorized;
  if (status === 429) return ClerkErrorKind.RateLimited;
  if (status === 409 || (code !== undefined && CONFLICT_CODES.has(code))) return ClerkErrorKind.Conflict;
  if (status >= 500 || status === 408) return ClerkErrorKind.Transient;
  return ClerkErrorKind.Invalid;
}

/** Maps whatever the SDK threw to our error, keeping Clerk's code, parameter and trace id. */
export function classifyClerkError(err: unknown): ClerkGatewayError {
  if (err instanceof ClerkGatewayError) return err;
  if (isClerkAPIResponseError(err)) {
    const first = err.errors[0];
    const status = typeof err.status === 'number' ? err.status : undefined;
    const code = status === undefined ? 'network_error' : first?.code;
    return new ClerkGatewayError({
      kind: kindOf(status, first?.code),
      status,
      clerkCode: code,
      paramName: typeof first?.meta?.paramName === 'string' ? first.meta.paramName : undefined,
      message: first?.longMessage ?? first?.message ?? (err.message || `Clerk answered ${status ?? 'without a response'}`),
      traceId: err.clerkTraceId,
      retryAfterSeconds: err.retryAfter,
    });
  }
  // Anything else was thrown before a request left (bad arguments): retrying cannot help.
  const message = err instanceof Error ? err.message : String(err);
  return new ClerkGatewayError({ kind: ClerkErrorKind.Invalid, clerkCode: 'client_error', message });
}
