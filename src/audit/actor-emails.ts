import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';

/**
 * SQL for the user id an actor column names, or null: runs and operations store the actor as the
 * audit log does (an admin's user id, `cli`, `scheduler`, `api_key:…`, `machine:…`). As a uuid, so
 * that a join on `users.user_id` uses its key.
 */
export function actorUserId(column: string): string {
  return `(CASE WHEN ${column} ~* '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$' THEN ${column}::uuid END)`;
}

/**
 * The emails of the admins that stored actors name, read when a report is shown: the stored actor
 * never changes, while the person's email is what an operator knows them by (and may have changed).
 */
@Injectable()
export class ActorEmails {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** Email by actor, for the actors that name a user; the others (`cli`, a machine) are absent. */
  async of(actors: string[]): Promise<Map<string, string>> {
    const distinct = [...new Set(actors)];
    if (distinct.length === 0) return new Map();
    const rows: { actor: string; email: string }[] = await this.dataSource.query(
      `SELECT a.actor, u.email FROM unnest($1::text[]) AS a(actor) JOIN users u ON u.user_id = ${actorUserId('a.actor')}`,
      [distinct],
    );
    return new Map(rows.map((row) => [row.actor, row.email]));
  }
}
