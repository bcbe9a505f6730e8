/** What the caller must do about a failed Clerk call. */
export enum ClerkErrorKind {
  /** The email or external id already belongs to a Clerk user: link or skip, do not retry. */
  Conflict = 'conflict',
  /** Clerk refused this input (other 4xx): permanent for this user, recorded with Clerk's code. */
  Invalid = 'invalid',
  /** 429 after the gateway's own waiting was exhausted. */
  RateLimited = 'rate_limited',
  /** 5xx, network failure or timeout after the last attempt; the call may or may not have taken effect. */
  Transient = 'transient',
  /** 401/403: the secret key is wrong. Stops a run; it is not a per-user failure. */
  Unauthorized = 'unauthorized',
  /** CLERK_SECRET_KEY is not set. */
  NotConfigured = 'not_configured',
  /**
   * Nothing was sent: the call's class (invitations, …) is paused by a 429 or its window is full for
   * longer than the caller was willing to wait. `retryAfterSeconds` says when to try again.
   */
  ClassPaused = 'class_paused',
}

export class ClerkGatewayError extends Error {
  readonly kind: ClerkErrorKind;
  readonly status: number | undefined;
  /** Clerk's own error code (`form_identifier_exists`, …), or ours (`timeout`, `network_error`). */
  readonly clerkCode: string | undefined;
  /** Clerk's `meta.param_name`: which input was refused. */
  readonly paramName: string | undefined;
  readonly traceId: string | undefined;
  readonly retryAfterSeconds: number | undefined;
  /** A `class_paused` wait to the millisecond: under a time scale (rehearsals) a window's gaps are far below a second. */
  readonly retryAfterMs: number | undefined;

  constructor(init: {
    kind: ClerkErrorKind;
    message: string;
    status?: number;
    clerkCode?: string;
    paramName?: string;
    traceId?: string;
    retryAfterSeconds?: number;
    retryAfterMs?: number;
  }) {
    super(init.message);
    this.name = 'ClerkGatewayError';
    this.kind = init.kind;
    this.status = init.status;
    this.clerkCode = init.clerkCode;
    this.paramName = init.paramName;
    this.traceId = init.traceId || undefined;
    this.retryAfterSeconds = init.retryAfterSeconds;
    this.retryAfterMs = init.retryAfterMs ?? (init.retryAfterSeconds !== undefined ? init.retryAfterSeconds * 1000 : undefined);
  }

  /** `requestClass` cannot send for `waitMs`, longer than its caller allows. */
  static classPaused(requestClass: string, waitMs: number): ClerkGatewayError {
    const retryAfterSeconds = Math.max(1, Math.ceil(waitMs / 1000));
    return new ClerkGatewayError({
      kind: ClerkErrorKind.ClassPaused,
      clerkCode: 'class_paused',
      message: `Clerk's ${requestClass} requests cannot be sent for another ${retryAfterSeconds} s`,
      retryAfterSeconds,
      retryAfterMs: Math.max(0, waitMs),
    });
  }

  static notConfigured(): ClerkGatewayError {
    return new ClerkGatewayError({
      kind: ClerkErrorKind.NotConfigured,
      message: 'Clerk is not configured: set CLERK_SECRET_KEY (sk_live_… or sk_test_…)',
    });
  }
}

/** Why a session token was refused. */
export enum SessionTokenErrorReason {
  Expired = 'expired',
  NotYetValid = 'not_yet_valid',
  BadSignature = 'bad_signature',
  UnknownKid = 'unknown_kid',
  WrongAzp = 'wrong_azp',
  Malformed = 'malformed',
  /** The JWKS could not be fetched (network, or the secret key was refused). Not the token's fault. */
  KeysUnavailable = 'keys_unavailable',
}

export class SessionTokenError extends Error {
  constructor(
    readonly reason: SessionTokenErrorReason,
    message: string,
    /** `@clerk/backend`'s `TokenVerificationError.reason`, kept for logs. */
    readonly clerkReason?: string,
  ) {
    super(message);
    this.name = 'SessionTokenError';
  }
}
