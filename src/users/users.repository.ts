import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';
import { ROW_FINGERPRINT } from './row-fingerprint.js';
import { UserEntity } from './user.entity.js';

export interface UserStats {
  total: number;
  withClerk: number;
  withoutClerk: number;
  withPassword: number;
  signedInThroughClerk: number;
  /** People whose Clerk account was deleted at Clerk (not by this service): kept, never migrated again. */
  deletedAtClerk: number;
}

/**
 * People deleted at Clerk (`clerk_deleted_users`, owned by the sync module; only its shape is known
 * here) are never legacy users again: no run, sweep or trickle migrates them.
 */
const NOT_DELETED_AT_CLERK = 'NOT EXISTS (SELECT 1 FROM clerk_deleted_users d WHERE d.user_id = u.user_id)';

/**
 * Which legacy users a bulk run leaves out. Each test reads the user's latest item of a real run
 * (`migration_items`, owned by the migration module; only its shape is known here).
 */
export interface LegacyFilter {
  /**
   * Users reported `invalid` by a run of this strategy whose email and hash have not changed since:
   * reported once, not every night. A duplicate email is the exception: fixing the *other* row
   * resolves it, and that row's fingerprint is not this one's. (Under another strategy the verdict may differ: a hash Clerk
   * cannot import is invalid for `password` but invited under `invite`.)
   */
  skipUnchangedInvalidFor?: 'password' | 'invite';
  /** Users whose latest item an operator rolled back: only an explicit run moves them again. */
  skipRolledBack?: boolean;
}

/** A page sample this large misses every page with a hash about once in e^8 (3 in 10,000) draws. */
const MIN_SAMPLED_PAGES = 8;

export const USER_COLUMNS = 'u.user_id, u.clerk_user_id, u.email, u.password_hash, u.name, u.role, u.created_at';

function legacyFilterSql(filter: LegacyFilter): string {
  const parts = [NOT_DELETED_AT_CLERK];
  const strategy = filter.skipUnchangedInvalidFor;
  // Inlined, so the fragment fits any query: only the two known words ever get here.
  if (strategy === 'password' || strategy === 'invite') {
    const last = latestRealItem('u.user_id', ['i.status', 'i.action', 'i.reason', 'i.error_code', 'i.row_fingerprint', 'r.strategy']);
    // Reported means settled with its reason (`error_code = reason`): an item a run planned as invalid
    // but never reached (interrupted, or the run failed) reported nobody, so the next run plans it again.
    parts.push(`NOT EXISTS (SELECT 1 FROM ${last} last
     WHERE last.status = 'failed' AND last.action = 'invalid' AND last.error_code = last.reason AND last.strategy = '${strategy}'
       AND last.reason <> 'duplicate_email' AND last.row_fingerprint = ${ROW_FINGERPRINT('u')})`);
  }
  if (filter.skipRolledBack) parts.push(`NOT coalesce(${latestItemRolledBack('u.user_id')}, false)`);
  return parts.join(' AND ');
}

/**
 * True when the user's latest real migration item (dry-run plans aside) was undone by a rollback:
 * such a person stays on legacy login until an explicit run migrates them again.
 */
function latestItemRolledBack(userIdColumn: string): string {
  return `${latestRealItem(userIdColumn, ['i.status'])} = 'rolled_back'`;
}

/** The user's latest item of a real run (dry-run plans aside) as a subquery of `columns` (`i`: the item, `r`: its run). */
function latestRealItem(userIdColumn: string, columns: string[]): string {
  return `(SELECT ${columns.join(', ')} FROM migration_items i JOIN migration_runs r ON r.id = i.run_id
            WHERE i.user_id = ${userIdColumn} AND i.status <> 'planned' ORDER BY i.id DESC LIMIT 1)`;
}

/** The counts of `stats`, over rows of `statsRows`. */
const STATS_COLUMNS = `count(*)::int AS total,
  count(clerk_user_id)::int AS "withClerk",
  (count(*) - count(clerk_user_id))::int AS "withoutClerk",
  count(password_hash)::int AS "withPassword",
  (count(*) FILTER (WHERE signed_in))::int AS "signedInThroughClerk",
  -- A person linked again since (a new account with their verified email) is no longer gone.
  (count(*) FILTER (WHERE deleted AND clerk_user_id IS NULL))::int AS "deletedAtClerk"`;

/** A row per user `where` holds, with what `STATS_COLUMNS` counts and, for a legacy user, `format` (an expression over `u`). */
function statsRows(format = 'NULL', where = 'true'): string {
  return `SELECT CASE WHEN u.clerk_user_id IS NULL THEN ${format} END AS format, u.clerk_user_id, u.password_hash,
      s.user_id IS NOT NULL AS signed_in, d.user_id IS NOT NULL AS deleted
    FROM users u
    LEFT JOIN clerk_sign_ins s ON s.user_id = u.user_id AND s.clerk_user_id = u.clerk_user_id
    LEFT JOIN clerk_deleted_users d ON d.user_id = u.user_id
   WHERE ${where}`;
}

/**
 * `statsByPasswordFormat` reads the table in two halves at once, each on a connection of its own.
 * Naming a hash's format is the costly part (a pattern per hash), and PostgreSQL's own parallel plan
 * for it sorts every row to group them (it expects as many groups as there are hashes) and spills
 * to disk: 1.1 s for a lone request at a million users (`bench:console`'s database), against 0.66 s
 * for the halves. User ids from a time-ordered generator may all fall in one half: that is one
 * query's time, no worse. Each half has its own snapshot, which is fine: a user is in one half only.
 */
const USER_ID_HALVES = [`u.user_id < '80000000-0000-0000-0000-000000000000'`, `u.user_id >= '80000000-0000-0000-0000-000000000000'`];

export type SignInLink = 'linked' | 'rolled_back' | 'taken';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export interface UserRow {
  user_id: string;
  clerk_user_id: string | null;
  email: string;
  password_hash: string | null;
  name: string;
  role: string;
  created_at: Date;
}

export function toEntity(row: UserRow): UserEntity {
  return Object.assign(new UserEntity(), {
    userId: row.user_id,
    clerkUserId: row.clerk_user_id,
    email: row.email,
    passwordHash: row.password_hash,
    name: row.name,
    role: row.role,
    createdAt: row.created_at,
  });
}

/**
 * Reads and writes the product's `users` table. Methods that take an `EntityManager` run inside
 * the caller's transaction when given one.
 */
@Injectable()
export class UsersRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  private repo(manager?: EntityManager) {
    return (manager ?? this.dataSource.manager).getRepository(UserEntity);
  }

  /**
   * The hottest read of the service (every authenticated request's profile), so it skips the query
   * builder: one plain parameterised SELECT, mapped by hand.
   */
  async findById(userId: string, manager?: EntityManager): Promise<UserEntity | null> {
    if (!UUID.test(userId)) return null;
    const rows: UserRow[] = await (manager ?? this.dataSource.manager).query(
      'SELECT user_id, clerk_user_id, email, password_hash, name, role, created_at FROM users WHERE user_id = $1',
      [userId],
    );
    return rows.length === 0 ? null : toEntity(rows[0]);
  }

  /** These users by id, in one query (a rollback weighs a page of them at a time). */
  async findByIds(userIds: string[]): Promise<Map<string, UserEntity>> {
    if (userIds.length === 0) return new Map();
    const rows: UserRow[] = await this.dataSource.query(`SELECT ${USER_COLUMNS} FROM users u WHERE u.user_id = ANY($1::uuid[])`, [userIds]);
    return new Map(rows.map((row) => [row.user_id, toEntity(row)]));
  }

  /** Emails compare case-insensitively; when the table holds case-variants, the oldest wins. */
  findByEmail(email: string): Promise<UserEntity | null> {
    return this.repo()
      .createQueryBuilder('u')
      .where('lower(u.email) = lower(:email)', { email })
      .orderBy('u.created_at', 'ASC')
      .addOrderBy('u.user_id', 'ASC')
      .getOne();
  }

  findByClerkUserId(clerkUserId: string, manager?: EntityManager): Promise<UserEntity | null> {
    return this.repo(manager).findOneBy({ clerkUserId });
  }

  /**
   * The user a legacy login names, and whether Clerk deleted their account: such a login is refused
   * like a wrong password, after the same password check, so the answer and its timing say nothing.
   */
  async findLoginCandidate(email: string): Promise<{ user: UserEntity; deletedAtClerk: boolean } | null> {
    const rows: (UserRow & { deleted: boolean })[] = await this.dataSource.query(
      `SELECT ${USER_COLUMNS}, NOT ${NOT_DELETED_AT_CLERK} AS deleted FROM users u
        WHERE lower(u.email) = lower($1) ORDER BY u.created_at ASC, u.user_id ASC LIMIT 1`,
      [email],
    );
    return rows.length === 0 ? null : { user: toEntity(rows[0]), deletedAtClerk: rows[0].deleted };
  }

  /** Which of these users were deleted at Clerk (a run that names one, `migrate --email`, skips them). */
  async deletedAtClerkAmong(userIds: string[]): Promise<Set<string>> {
    if (userIds.length === 0) return new Set();
    const rows: { user_id: string }[] = await this.dataSource.query(
      'SELECT user_id FROM clerk_deleted_users WHERE user_id = ANY($1::uuid[])',
      [userIds],
    );
    return new Set(rows.map((row) => row.user_id));
  }

  /**
   * Links a Clerk account only if the user is still unlinked (compare-and-set): of two writers
   * racing for the same user, exactly one wins. Returns whether this call linked it.
   */
  async linkClerkUser(userId: string, clerkUserId: string, manager?: EntityManager): Promise<boolean> {
    const result = await this.repo(manager)
      .createQueryBuilder()
      .update()
      .set({ clerkUserId })
      .where('user_id = :userId AND clerk_user_id IS NULL', { userId })
      .execute();
    return (result.affected ?? 0) === 1;
  }

  /**
   * First-sign-in linking: like `linkClerkUser`, but never for a person a rollback took off Clerk
   * (checked in the same statement, so a rollback committing meanwhile is not undone).
   */
  async linkOnSignIn(userId: string, clerkUserId: string): Promise<SignInLink> {
    const rows: { rolled_back: boolean; linked: boolean }[] = await this.dataSource.query(
      `WITH target AS (
         SELECT u.user_id, coalesce(${latestItemRolledBack('u.user_id')}, false) AS rolled_back FROM users u WHERE u.user_id = $1),
       linked AS (
         UPDATE users u SET clerk_user_id = $2 FROM target t
          WHERE u.user_id = t.user_id AND u.clerk_user_id IS NULL AND NOT t.rolled_back RETURNING u.user_id)
       SELECT t.rolled_back, EXISTS (SELECT 1 FROM linked) AS linked FROM target t`,
      [userId, clerkUserId],
    );
    if (rows[0]?.linked) return 'linked';
    return rows[0]?.rolled_back ? 'rolled_back' : 'taken';
  }

  /** This user while still legacy (no Clerk link) and inside `filter`, the way the bulk runs choose them; else null. */
  async findLegacyUser(userId: string, filter: LegacyFilter): Promise<UserEntity | null> {
    if (!UUID.test(userId)) return null;
    const rows: UserRow[] = await this.dataSource.query(
      `SELECT ${USER_COLUMNS} FROM users u WHERE u.user_id = $1 AND u.clerk_user_id IS NULL AND ${legacyFilterSql(filter)}`,
      [userId],
    );
    return rows.length === 0 ? null : toEntity(rows[0]);
  }

  /**
   * Whether this Clerk account's link was cleared by a rollback that still stands. Answered from our
   * own tables, so a rolled-back person's sessions cost no Clerk request each.
   */
  async isRolledBackAccount(clerkUserId: string): Promise<boolean> {
    const rows = await this.dataSource.query(
      `SELECT 1 FROM migration_items r JOIN users u ON u.user_id = r.user_id
        WHERE r.clerk_user_id = $1 AND r.status = 'rolled_back' AND u.clerk_user_id IS NULL AND ${latestItemRolledBack('u.user_id')}
        LIMIT 1`,
      [clerkUserId],
    );
    return rows.length > 0;
  }

  /** Clears the link only if it still points at `clerkUserId`. Returns whether it did. */
  async unlinkClerkUser(userId: string, clerkUserId: string, manager?: EntityManager): Promise<boolean> {
    const result = await this.repo(manager)
      .createQueryBuilder()
      .update()
      .set({ clerkUserId: null })
      .where('user_id = :userId AND clerk_user_id = :clerkUserId', { userId, clerkUserId })
      .execute();
    return (result.affected ?? 0) === 1;
  }

  async stats(): Promise<UserStats> {
    const [row] = await this.dataSource.query(`SELECT ${STATS_COLUMNS} FROM (${statsRows()}) r`);
    return row as UserStats;
  }

  /**
   * `stats` and the users not yet on Clerk by the format of their password hash (`none`, `bcrypt`, …,
   * `unsupported`) in the same pass over the table (in two halves, see `USER_ID_HALVES`): grouped by
   * format (null for linked users), each group's counts summed here.
   */
  async statsByPasswordFormat(
    formatOf: (column: string) => { expression: string; parameters: string[] },
  ): Promise<{ stats: UserStats; legacyByFormat: Map<string, number> }> {
    const { expression, parameters } = formatOf('u.password_hash');
    // OFFSET 0 keeps the subquery whole, so the planner groups its `format` into a few hash buckets
    // rather than sorting a million rows by an expression it cannot estimate.
    const halves: (UserStats & { format: string | null })[][] = await Promise.all(
      USER_ID_HALVES.map((half) =>
        this.dataSource.query(
          `SELECT format, ${STATS_COLUMNS} FROM (${statsRows(expression, half)} OFFSET 0) r GROUP BY format`,
          parameters,
        ),
      ),
    );
    const rows = halves.flat();
    const stats: UserStats = { total: 0, withClerk: 0, withoutClerk: 0, withPassword: 0, signedInThroughClerk: 0, deletedAtClerk: 0 };
    const legacyByFormat = new Map<string, number>();
    for (const { format, ...counts } of rows) {
      for (const key of Object.keys(stats) as (keyof UserStats)[]) stats[key] += counts[key];
      if (format !== null) legacyByFormat.set(format, (legacyByFormat.get(format) ?? 0) + counts.withoutClerk);
    }
    return { stats, legacyByFormat };
  }

  /**
   * Users not yet on Clerk, in batches ordered by `user_id` and fetched by keyset, so memory stays
   * flat however large the table is. Rows linked while the iteration runs simply drop out.
   */
  async *legacyUsersInBatches(batchSize: number, filter: LegacyFilter = {}): AsyncGenerator<UserEntity[]> {
    let cursor: string | null = null;
    for (;;) {
      const rows: UserRow[] = await this.dataSource.query(
        `SELECT ${USER_COLUMNS} FROM users u
          WHERE u.clerk_user_id IS NULL AND ($1::uuid IS NULL OR u.user_id > $1) AND ${legacyFilterSql(filter)}
          ORDER BY u.user_id LIMIT $2`,
        [cursor, batchSize],
      );
      if (rows.length === 0) return;
      yield rows.map(toEntity);
      if (rows.length < batchSize) return;
      cursor = rows[rows.length - 1].user_id;
    }
  }

  /** Which of these Clerk ids some local user is linked to. */
  async linkedClerkIds(clerkUserIds: string[]): Promise<Set<string>> {
    if (clerkUserIds.length === 0) return new Set();
    const rows: { clerk_user_id: string }[] = await this.dataSource.query('SELECT clerk_user_id FROM users WHERE clerk_user_id = ANY($1)', [
      clerkUserIds,
    ]);
    return new Set(rows.map((row) => row.clerk_user_id));
  }

  /** Users linked to Clerk, by keyset on `user_id`, for verification. */
  linkedUsersAfter(afterUserId: string | undefined, limit: number): Promise<UserEntity[]> {
    const query = this.repo().createQueryBuilder('u').where('u.clerk_user_id IS NOT NULL').orderBy('u.user_id', 'ASC').limit(limit);
    if (afterUserId) query.andWhere('u.user_id > :afterUserId', { afterUserId });
    return query.getMany();
  }

  async countLegacy(filter: LegacyFilter = {}): Promise<number> {
    const [row] = await this.dataSource.query(
      `SELECT count(*)::int AS n FROM users u WHERE u.clerk_user_id IS NULL AND ${legacyFilterSql(filter)}`,
    );
    return row.n;
  }

  /** Users linked to Clerk and not yet, in one pass: what the gauges show. */
  async countByState(): Promise<{ onClerk: number; legacy: number }> {
    const [row] = await this.dataSource.query(
      'SELECT count(clerk_user_id)::int AS "onClerk", (count(*) - count(clerk_user_id))::int AS legacy FROM users',
    );
    return row as { onClerk: number; legacy: number };
  }

  /** Other users whose email equals one of `emails` ignoring case, to spot case-duplicates. */
  async countByLowerEmail(emails: string[]): Promise<Map<string, number>> {
    if (emails.length === 0) return new Map();
    const rows: { email: string; count: number }[] = await this.dataSource.query(
      `SELECT lower(email) AS email, count(*)::int AS count FROM users WHERE lower(email) = ANY($1) GROUP BY lower(email)`,
      [emails.map((email) => email.toLowerCase())],
    );
    return new Map(rows.map((row) => [row.email, row.count]));
  }

  /**
   * Password hashes by whether a clean-up may remove them: `removable` (linked, and signed in through
   * Clerk with that account since), `waiting` (linked, no such sign-in yet), `legacy` (not on Clerk).
   */
  async countPasswordHashes(): Promise<{ removable: number; waiting: number; legacy: number }> {
    const [row] = await this.dataSource.query(
      `SELECT count(*) FILTER (WHERE s.user_id IS NOT NULL)::int AS removable,
              count(*) FILTER (WHERE s.user_id IS NULL AND u.clerk_user_id IS NOT NULL)::int AS waiting,
              count(*) FILTER (WHERE u.clerk_user_id IS NULL)::int AS legacy
         FROM users u LEFT JOIN clerk_sign_ins s ON s.user_id = u.user_id AND s.clerk_user_id = u.clerk_user_id
        WHERE u.password_hash IS NOT NULL`,
    );
    return row;
  }

  /**
   * Removes up to `limit` hashes of people who signed in through Clerk with their linked account
   * (rows another transaction holds are skipped); returns whose.
   */
  async removeHashesOfClerkSignedIn(limit: number, manager: EntityManager): Promise<string[]> {
    // Read through a CTE: TypeORM hands back a bare UPDATE's RETURNING as [rows, count], not rows.
    const rows: { user_id: string }[] = await manager.query(
      `WITH removed AS (
         UPDATE users SET password_hash = NULL
          WHERE user_id IN (
            SELECT u.user_id FROM users u JOIN clerk_sign_ins s ON s.user_id = u.user_id AND s.clerk_user_id = u.clerk_user_id
             WHERE u.password_hash IS NOT NULL LIMIT $1 FOR UPDATE OF u SKIP LOCKED)
          RETURNING user_id)
       SELECT user_id FROM removed`,
      [limit],
    );
    return rows.map((row) => row.user_id);
  }

  /**
   * Up to `limit` stored password hashes, to learn what the product's hashes look like. On a large
   * table a random sample of its pages (`TABLESAMPLE SYSTEM`), so the read stays small at any size:
   * enough pages for about four times `limit` rows, and never fewer than `MIN_SAMPLED_PAGES`, so that
   * the draw is almost never empty. Should it draw no page with a hash, the first rows found.
   */
  async samplePasswordHashes(limit: number): Promise<string[]> {
    const [{ estimate, pages }]: { estimate: number; pages: number }[] = await this.dataSource.query(
      `SELECT coalesce(c.reltuples, -1)::float8 AS estimate, coalesce(c.relpages, 0)::float8 AS pages
         FROM (SELECT 1) AS one LEFT JOIN pg_class c ON c.oid = to_regclass('users')`,
    );
    type Row = { password_hash: string };
    if (estimate > limit * 20) {
      const percent = Math.min(100, Math.max((100 * limit * 4) / estimate, (100 * MIN_SAMPLED_PAGES) / Math.max(pages, 1)));
      const sampled: Row[] = await this.dataSource.query(
        'SELECT password_hash FROM users TABLESAMPLE SYSTEM ($1) WHERE password_hash IS NOT NULL LIMIT $2',
        [percent, limit],
      );
      if (sampled.length > 0) return sampled.map((row) => row.password_hash);
    }
    const rows: Row[] = await this.dataSource.query('SELECT password_hash FROM users WHERE password_hash IS NOT NULL LIMIT $1', [limit]);
    return rows.map((row) => row.password_hash);
  }
}
