import type { ItemStatus } from './migration-item.entity.js';

/**
 * Users of a run that did not end on Clerk: failed, skipped, or left uncertain by a lost answer.
 * A file of its own, importing the entity only as a type: the CLI reads it without loading TypeORM.
 */
export const PROBLEM_STATUSES = ['failed', 'skipped', 'creating'] as const satisfies readonly ItemStatus[];
