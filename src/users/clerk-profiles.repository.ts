import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';
import { UserEntity } from './user.entity.js';
import { toEntity, USER_COLUMNS, UsersRepository, type UserRow } from './users.repository.js';

/** A provisioned person's row: someone who signed up at Clerk and was never a legacy user. */
export interface NewClerkUserRow {
  clerkUserId: string;
  email: string;
  name: string;
  role: string;
  createdAt: Date;
}

/** What follows Clerk on a linked row. */
export interface ProfileChanges {
  email?: string;
  name?: string;
  role?: string;
}

/**
 * The writes that keep `users` in step with Clerk after the move: rows of people who signed up at
 * Clerk, and a linked row following Clerk's email, name and role. Emails are one person's each.
 */
@Injectable()
export class ClerkProfilesRepository {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly users: UsersRepository,
  ) {}

  private repo(manager?: EntityManager) {
    return (manager ?? this.dataSource.manager).getRepository(UserEntity);
  }

  /** Another user holding `email` (ignoring case), if any: an email is one person's. */
  async findEmailHolder(email: string, exceptUserId: string | null, manager?: EntityManager): Promise<UserEntity | null> {
    const rows: UserRow[] = await (manager ?? this.dataSource.manager).query(
      `SELECT ${USER_COLUMNS} FROM users u WHERE lower(u.email) = lower($1) AND ($2::uuid IS NULL OR u.user_id <> $2) LIMIT 1`,
      [email, exceptUserId],
    );
    return rows.length === 0 ? null : toEntity(rows[0]);
  }

  /**
   * Inserts a provisioned person's row unless one exists for the account (or the email is taken),
   * and reads back the row the account has: one row however many instances race. Null when the
   * insert lost to another row holding the email.
   */
  async insertClerkUser(row: NewClerkUserRow, manager?: EntityManager): Promise<{ user: UserEntity; inserted: boolean } | null> {
    const db = manager ?? this.dataSource.manager;
    const inserted: { user_id: string }[] = await db.query(
      `INSERT INTO users (user_id, clerk_user_id, email, password_hash, name, role, created_at)
       VALUES (gen_random_uuid(), $1, $2, NULL, $3, $4, $5) ON CONFLICT DO NOTHING RETURNING user_id`,
      [row.clerkUserId, row.email, row.name, row.role, row.createdAt],
    );
    const user = await this.users.findByClerkUserId(row.clerkUserId, manager);
    return user ? { user, inserted: inserted.length === 1 } : null;
  }

  /** Writes what changed on a linked row (compare-and-set on the link, so a row unlinked meanwhile is left alone). */
  async updateProfile(userId: string, clerkUserId: string, changes: ProfileChanges, manager?: EntityManager): Promise<boolean> {
    if (Object.keys(changes).length === 0) return false;
    const result = await this.repo(manager)
      .createQueryBuilder()
      .update()
      .set(changes)
      .where('user_id = :userId AND clerk_user_id = :clerkUserId', { userId, clerkUserId })
      .execute();
    return (result.affected ?? 0) === 1;
  }
}
