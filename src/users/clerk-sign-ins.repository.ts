import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';

/**
 * Who has signed in through Clerk, and when first. The clean-up of password hashes removes a
 * hash only once its owner is known to get in through Clerk.
 */
@Injectable()
export class ClerkSignInsRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** Records a sign-in; returns true when it was this user's first through Clerk. */
  async record(userId: string, clerkUserId: string): Promise<boolean> {
    const rows: { first: boolean }[] = await this.dataSource.query(
      `INSERT INTO clerk_sign_ins (user_id, clerk_user_id) VALUES ($1, $2)
       ON CONFLICT (user_id) DO UPDATE SET last_signed_in_at = now(), clerk_user_id = EXCLUDED.clerk_user_id
       RETURNING (xmax = 0) AS first`,
      [userId, clerkUserId],
    );
    return rows[0]?.first === true;
  }

  /** Of these people, those who signed in through Clerk with the given account at or after `since`. */
  async signedInSince(links: { userId: string; clerkUserId: string }[], since: Date): Promise<Set<string>> {
    if (links.length === 0) return new Set();
    const rows: { user_id: string }[] = await this.dataSource.query(
      `SELECT s.user_id FROM clerk_sign_ins s
         JOIN unnest($1::uuid[], $2::varchar[]) AS l(user_id, clerk_user_id) ON l.user_id = s.user_id AND l.clerk_user_id = s.clerk_user_id
        WHERE s.last_signed_in_at >= $3`,
      [links.map((l) => l.userId), links.map((l) => l.clerkUserId), since],
    );
    return new Set(rows.map((row) => row.user_id));
  }
}
