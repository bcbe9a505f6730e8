import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';

export type DependentRowCounts = Record<string, number>;

/**
 * Rows of every table whose foreign key points at `users.user_id`, found through the catalog so
 * that a product table nobody told us about is counted too.
 */
@Injectable()
export class DependentRows {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async count(): Promise<DependentRowCounts> {
    const tables: { name: string }[] = await this.dataSource.query(
      `SELECT DISTINCT c.conrelid::regclass::text AS name
         FROM pg_constraint c
        WHERE c.contype = 'f' AND c.confrelid = 'users'::regclass
        ORDER BY 1`,
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
