import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';
import { UserEntity } from './user.entity.js';

export interface UserStats {
  total: number;
  withClerk: number;
  withoutClerk: number;
  withPassword: number;
  signedInThroughClerk: number;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

interface UserRow {
  user_id: string;
  clerk_user_id: string | null;
  email: string;
  password_hash: string | null;
  name: string;
  role: string;
  created_at: Date;
}

function toEntity(row: UserRow): UserEntity {
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

  /** Emails compare case-insensitively; when the table holds case-variants, the oldest wins. */
  findByEmail(email: string): Promise<UserEntity | null> {
    return this.repo()
      .createQueryBuilder('u')
      .where('lower(u.email) = lower(:email)', { email })
      .orderBy('u.created_at', 'ASC')
      .addOrderBy('u.user_id', 'ASC')
      .getOne();
  }

  findByClerkUserId(clerkUserId: string): Promise<UserEntity | null> {
    return this.repo().findOneBy({ clerkUserId });
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
    const [row] = await this.dataSource.query(`
      SELECT count(*)::int AS total,
             count(u.clerk_user_id)::int AS "withClerk",
             (count(*) - count(u.clerk_user_id))::int AS "withoutClerk",
             count(u.password_hash)::int AS "withPassword",
             count(s.user_id)::int AS "signedInThroughClerk"
        FROM users u
        LEFT JOIN clerk_sign_ins s ON s.user_id = u.user_id AND s.clerk_user_id = u.clerk_user_id`);
    return row as UserStats;
  }

  /**
   * Users not yet on Clerk, in batches ordered by `user_id` and fetched by keyset, so memory stays
   * flat however large the table is. Rows linked while the iteration runs simply drop out.
   */
  async *legacyUsersInBatches(batchSize: number, after?: string): AsyncGenerator<UserEntity[]> {
    let cursor = after;
    for (;;) {
      const query = this.repo()
        .createQueryBuilder('u')
        .where('u.clerk_user_id IS NULL')
        .orderBy('u.user_id', 'ASC')
        .limit(batchSize);
      if (cursor) query.andWhere('u.user_id > :cursor', { cursor });
      const batch = await query.getMany();
      if (batch.length === 0) return;
      yield batch;
      if (batch.length < batchSize) return;
      cursor = batch[batch.length - 1].userId;
    }
  }

  /** Which of these Clerk ids some local user is linked to. */
  async linkedClerkIds(clerkUserIds: string[]): Promise<Set<string>> {
    if (clerkUserIds.length === 0) return new Set();
    const rows: { clerk_user_id: string }[] = await this.dataSource.query(
      'SELECT clerk_user_id FROM users WHERE clerk_user_id = ANY($1)',
      [clerkUserIds],
    );
    return new Set(rows.map((row) => row.clerk_user_id));
  }

  /** Users linked to Clerk, by keyset on `user_id`, for verification. */
  linkedUsersAfter(afterUserId: string | undefined, limit: number): Promise<UserEntity[]> {
    const query = this.repo().createQueryBuilder('u').where('u.clerk_user_id IS NOT NULL').orderBy('u.user_id', 'ASC').limit(limit);
    if (afterUserId) query.andWhere('u.user_id > :afterUserId', { afterUserId });
    return query.getMany();
  }

  countLegacy(): Promise<number> {
    return this.repo().createQueryBuilder('u').where('u.clerk_user_id IS NULL').getCount();
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
   * Up to `limit` stored password hashes, to learn what the product's hashes look like. On a large
   * table a random sample of its pages (`TABLESAMPLE SYSTEM`), so the read stays small at any size;
   * should that draw no page with a hash, the first rows found.
   */
  async samplePasswordHashes(limit: number): Promise<string[]> {
    const [{ estimate }]: { estimate: number }[] = await this.dataSource.query(
      `SELECT coalesce((SELECT reltuples FROM pg_class WHERE oid = to_regclass('users')), -1)::float8 AS estimate`,
    );
    type Row = { password_hash: string };
    if (estimate > limit * 20) {
      const sampled: Row[] = await this.dataSource.query(
        'SELECT password_hash FROM users TABLESAMPLE SYSTEM ($1) WHERE password_hash IS NOT NULL LIMIT $2',
        [Math.min(100, (100 * limit * 4) / estimate), limit],
      );
      if (sampled.length > 0) return sampled.map((row) => row.password_hash);
    }
    const rows: Row[] = await this.dataSource.query('SELECT password_hash FROM users WHERE password_hash IS NOT NULL LIMIT $1', [limit]);
    return rows.map((row) => row.password_hash);
  }
}
