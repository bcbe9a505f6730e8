import { AppError } from '../common/app-error.js';

const EMBEDDED_POSTGRES_UNAVAILABLE = 'embedded_postgres_unavailable';

/**
 * The embedded PostgreSQL could not start. The message says what failed and the two ways out, so
 * that the demo, `npm run dev` and the CLI can print it as it is, without a stack trace.
 */
export class EmbeddedPostgresError extends AppError {
  constructor(whatFailed: string, details?: { dataDir?: string; logFile?: string }) {
    const log = details?.logFile ? ` (its log: ${details.logFile})` : '';
    super(
      503,
      EMBEDDED_POSTGRES_UNAVAILABLE,
      `the embedded PostgreSQL could not start: ${whatFailed}${log}. Two ways out: set DATABASE_URL to a PostgreSQL server ` +
        'of your own, or move the checkout to a folder where the embedded server can run (one you own, used as an ordinary user).',
      details,
    );
  }
}
