/**
 * Users of a run that did not end on Clerk: failed, skipped, or left uncertain by a lost answer.
 * A file of its own: the CLI reads it without loading the migration core.
 */
export const PROBLEM_STATUSES = ['failed', 'skipped', 'creating'] as const;
