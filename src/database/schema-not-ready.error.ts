import { AppError } from '../common/app-error.js';

export const SCHEMA_NOT_READY = 'schema_not_ready';

/**
 * A command that must not change the schema found it missing or behind this version. Nothing was
 * written: a `DATABASE_URL` with a typo that names some other database must not gain our tables.
 */
export class SchemaNotReadyError extends AppError {
  constructor(database: string, pending: string[], total: number) {
    const what =
      pending.length === total
        ? `${database} has no clerk-migrate schema (or no users table)`
        : `the clerk-migrate schema of ${database} is behind this version (${pending.length} of ${total} schema migrations not applied)`;
    super(
      503,
      SCHEMA_NOT_READY,
      `${what}; check DATABASE_URL, then run \`npm run db:migrate\` (clerk-migrate db:migrate) to create or update it`,
      {
        pending,
      },
    );
  }
}
