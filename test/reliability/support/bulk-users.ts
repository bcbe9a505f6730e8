import type pg from 'pg';
import { bcryptHash } from '../../factories/user.factory.js';

/** The one password every bulk user has, and its digest, computed once (bcrypt per row would dominate). */
export const BULK_PASSWORD = 'reliability-bulk-password';
export const BULK_HASH = bcryptHash(BULK_PASSWORD);

/**
 * `count` legacy users in one statement, emails `<prefix>-<n>@example.com`, all with the same
 * digest. Returns their ids in `user_id` order.
 */
export async function insertBulkUsers(pool: pg.Pool, count: number, prefix: string): Promise<string[]> {
  const { rows } = await pool.query<{ user_id: string }>(
    `INSERT INTO users (user_id, email, password_hash, name, role, created_at)
     SELECT gen_random_uuid(), $1 || '-' || n || '@example.com', $2, 'Bulk User ' || n, 'user', now() - n * interval '1 minute'
       FROM generate_series(1, $3::int) AS n
     RETURNING user_id`,
    [prefix, BULK_HASH, count],
  );
  return rows.map((row) => row.user_id).sort();
}

/** The rows a migration must never touch but `clerk_user_id`, for before/after comparison. */
export async function userRowsExceptLink(pool: pg.Pool): Promise<Map<string, string>> {
  const { rows } = await pool.query<{ user_id: string; row: string }>(
    `SELECT user_id, json_build_array(email, password_hash, name, role, created_at)::text AS row FROM users`,
  );
  return new Map(rows.map((r) => [r.user_id, r.row]));
}
