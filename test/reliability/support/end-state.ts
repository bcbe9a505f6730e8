import { expect } from '@jest/globals';
import type pg from 'pg';
import type { ClerkEmulator } from '../../../tools/clerk-emulator/index.js';

/** Reasons a user fails for their own input; anything else failing is the engine's fault. */
export const BAD_INPUT_REASONS = ['invalid_email', 'duplicate_email', 'unsupported_hash'];

/**
 * The end state the issue asks for: every user but `unlinkable` is linked; no Clerk account the
 * runs created is an orphan or a duplicate (each is linked to the local user its external id
 * names); no user has two created/linked items; no item failed except for bad input.
 */
export async function expectLinkedExactlyOnce(pool: pg.Pool, clerk: ClerkEmulator, unlinkable: Set<string> = new Set()): Promise<void> {
  const { rows } = await pool.query<{ user_id: string; clerk_user_id: string | null }>('SELECT user_id, clerk_user_id FROM users');
  const unlinked = rows.filter((r) => r.clerk_user_id === null).map((r) => r.user_id);
  expect(unlinked.sort()).toEqual([...unlinkable].sort());

  const accounts = clerk.users().filter((a) => a.external_id !== null);
  const externalIds = accounts.map((a) => a.external_id as string);
  expect(externalIds.length - new Set(externalIds).size).toBe(0);
  const linkOf = new Map(rows.map((r) => [r.user_id, r.clerk_user_id]));
  const orphans = accounts.filter((a) => linkOf.get(a.external_id as string) !== a.id);
  expect(orphans.map((a) => a.external_id)).toEqual([]);

  const twice = await pool.query(
    `SELECT user_id, count(*)::int AS n FROM migration_items WHERE status IN ('created', 'linked') GROUP BY user_id HAVING count(*) > 1`,
  );
  expect(twice.rows).toEqual([]);
  const failed = await pool.query<{ error_code: string; n: number }>(
    `SELECT coalesce(error_code, reason) AS error_code, count(*)::int AS n FROM migration_items i
      WHERE status = 'failed' AND NOT EXISTS (SELECT 1 FROM users u WHERE u.user_id = i.user_id AND u.clerk_user_id IS NOT NULL)
      GROUP BY 1`,
  );
  expect(failed.rows.filter((r) => !BAD_INPUT_REASONS.includes(r.error_code))).toEqual([]);
}

/** Items of every run that are neither settled nor `failed` for bad input: what a further run must finish. */
export async function unsettledUsers(pool: pg.Pool): Promise<number> {
  const { rows } = await pool.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM users u WHERE u.clerk_user_id IS NULL
        AND NOT EXISTS (SELECT 1 FROM migration_items i WHERE i.user_id = u.user_id AND i.error_code = ANY($1))`,
    [BAD_INPUT_REASONS],
  );
  return rows[0].n;
}
