/**
 * Where the permission to send a Clerk request comes from. In production every process on the
 * database draws from one budget kept in PostgreSQL (`PostgresRequestBudget`); a process on its
 * own (tests, scripts) paces itself with a local `TokenBucket`.
 */
export interface RequestBudget {
  /** Resolves when `cost` requests may be sent. */
  take(cost: number): Promise<void>;
  /** Nobody sharing the budget sends before `untilMs` (epoch milliseconds): a 429's Retry-After. */
  pauseUntil?(untilMs: number): Promise<void>;
  /**
   * How long from now a pause that anyone sharing the budget met still holds (0 when none), for a
   * caller that would rather fail fast than wait it out. Unknown (the database unreachable): 0.
   */
  pausedForMs?(): Promise<number>;
}
