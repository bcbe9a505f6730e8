/**
 * Clerk's Backend API limits, endpoint by endpoint (Clerk's docs, "Rate limits"): the instance-wide
 * 1,000 requests per 10 s (100 on development instances; JWKS unlimited), and, on top of it,
 * `POST /v1/invitations` 100 per hour, `POST /v1/invitations/bulk` 25 per hour, and
 * `PATCH /v1/users/{id}` with the metadata routes 10 per 10 s per user. A request of a limited
 * class also counts against the instance-wide limit: the docs do not say it does not, so we assume it does.
 */
export type ClerkRequestClass = 'global' | 'invitations' | 'bulk_invitations' | 'user_updates';

/** The classes with a window of their own, besides the instance-wide budget. */
export type LimitedRequestClass = Exclude<ClerkRequestClass, 'global'>;

export interface ClassLimit {
  /** Requests allowed in any window of `windowSeconds`. */
  requests: number;
  windowSeconds: number;
  /** Counted per subject (the Clerk user id of a user update), not per instance. */
  perSubject: boolean;
}

export type ClassLimits = Record<LimitedRequestClass, ClassLimit>;

/** Clerk's own figures: a configured limit may be lower, never higher. */
export const CLERK_CLASS_LIMITS: ClassLimits = {
  invitations: { requests: 100, windowSeconds: 3600, perSubject: false },
  bulk_invitations: { requests: 25, windowSeconds: 3600, perSubject: false },
  user_updates: { requests: 10, windowSeconds: 10, perSubject: true },
};

/**
 * The configured figures (`CLERK_INVITATIONS_PER_HOUR`, …), each at most Clerk's; Clerk's where unset.
 * `limitsTimeScale` (`CLERK_LIMITS_TIME_SCALE`, rehearsals only) divides every window, as the emulator's `timeScale` does.
 */
export function classLimitsOf(config: {
  invitationsPerHour?: number;
  bulkInvitationsPerHour?: number;
  userUpdatesPer10s?: number;
  limitsTimeScale?: number;
}): ClassLimits {
  const scale = config.limitsTimeScale ?? 1;
  const limit = (requestClass: LimitedRequestClass, configured: number | undefined): ClassLimit => {
    const clerks = CLERK_CLASS_LIMITS[requestClass];
    return { ...clerks, requests: Math.min(configured ?? clerks.requests, clerks.requests), windowSeconds: clerks.windowSeconds / scale };
  };
  return {
    invitations: limit('invitations', config.invitationsPerHour),
    bulk_invitations: limit('bulk_invitations', config.bulkInvitationsPerHour),
    user_updates: limit('user_updates', config.userUpdatesPer10s),
  };
}

/** Clerk's bulk invitation endpoint takes at most this many invitations per request. */
export const MAX_BULK_INVITATIONS = 10;

/** The pacer's operation names of the limited classes; every other operation is `global`. */
const CLASS_OF_OPERATION: Record<string, LimitedRequestClass> = {
  'invitations.create': 'invitations',
  'invitations.bulk_create': 'bulk_invitations',
  'users.update': 'user_updates',
  'users.update_metadata': 'user_updates',
};

export function classOfOperation(operation: string | undefined): ClerkRequestClass {
  return (operation !== undefined && CLASS_OF_OPERATION[operation]) || 'global';
}

/**
 * The budget row (or in-memory window) a request of `requestClass` counts against. A per-user class
 * without a subject shares one window for every user: slower, never over Clerk's limit.
 */
export function classKey(requestClass: LimitedRequestClass, subject: string | undefined, limits: ClassLimits): string {
  return limits[requestClass].perSubject && subject !== undefined ? `${requestClass}:${subject}` : requestClass;
}

/**
 * The count a window may hold on our side. Against Clerk's own figure we keep a margin, since our
 * window (PostgreSQL's clock, the time a request leaves) and Clerk's (its clock, the time it arrives)
 * do not line up exactly; a limit configured below Clerk's is its own margin and is kept as is.
 */
export function effectiveRequests(requestClass: LimitedRequestClass, limits: ClassLimits): number {
  const configured = limits[requestClass].requests;
  const clerks = CLERK_CLASS_LIMITS[requestClass].requests;
  const margin = Math.max(1, Math.floor(clerks / 50));
  return Math.max(1, Math.min(configured, clerks - margin));
}

/**
 * Our window is wider than Clerk's by a hundredth (at most a second): a request that leaves at the
 * end of its wait may reach Clerk a little later than the one it is spaced from.
 */
export function windowMs(requestClass: LimitedRequestClass, limits: ClassLimits): number {
  const ms = limits[requestClass].windowSeconds * 1000;
  return ms + Math.min(1000, ms / 100);
}
