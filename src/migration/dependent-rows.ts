import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';

export type DependentRowCounts = Record<string, number>;

/**
 * The service's own tables that carry a `user_id` (its runs' items, sign-ins, outbox, sync state):
 * bookkeeping about people, not the product's data about them.
 */
const SERVICE_TABLE_PREFIXES = ['migration_', 'clerk_', 'invitation_', 'login_throttle'];

/**
 * Rows of every product table that points at `users.user_id`: by a foreign key, or by a column named
 * `user_id` without one (the seed's tables are known by that column alone; many products never
 * declared the key). Found through the catalog, so a table nobody told us about is counted too.
 */
@Injectable()
export class DependentRows {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async count(): Promise<DependentRowCounts> {
    const tables: { name: string }[] = await this.dataSource.query(
      `SELECT c.conrelid::regclass::text AS name
         FROM pg_constraint c
        WHERE c.contype = 'f' AND c.confrelid = 'users'::regclass
       UNION
       SELECT a.attrelid::regclass::text
         FROM pg_attribute a JOIN pg_class t ON t.oid = a.attrelid
        WHERE a.attname = 'user_id' AND NOT a.attisdropped AND t.relkind IN ('r', 'p')
          AND t.relnamespace = current_schema()::regnamespace AND t.oid <> 'users'::regclass
          AND NOT t.relname LIKE ANY ($1)
       ORDER BY 1`,
      [SERVICE_TABLE_PREFIXES.map((prefix) => `${prefix}%`)],
    );
    const counts: DependentRowCounts = {};
    for (const { name } of tables) {
      // `name` comes from the catalog as a (quoted where needed) regclass text, not from input.
      const [row] = await this.dataSource.query(`SELECT count(*)::int AS n FROM ${name}`);
      counts[name] = row.n;
    }
    return counts;
  }
}
