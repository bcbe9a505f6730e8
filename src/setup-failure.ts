import { asClerkFailure } from './common/error-body.js';
import { InvalidConfigError } from './config/env-reader.js';
import { EmbeddedPostgresError } from './database/embedded-postgres.error.js';
import { SchemaNotReadyError } from './database/schema-not-ready.error.js';

/** How a process ends when it could not set itself up: nothing was done, and the fix is the operator's. */
export const SETUP_FAILURE_EXIT_CODE = 2;

/**
 * A failure that no retry mends, because the fix is the operator's: a bad or missing setting (no
 * CLERK_SECRET_KEY included), an embedded PostgreSQL that cannot start, a database without the
 * schema. The service, `npm run dev` and `demo`, and the CLI all exit `SETUP_FAILURE_EXIT_CODE` on one.
 */
export function isSetupFailure(error: unknown): boolean {
  return (
    error instanceof InvalidConfigError ||
    error instanceof EmbeddedPostgresError ||
    error instanceof SchemaNotReadyError ||
    asClerkFailure(error)?.code === 'clerk_not_configured'
  );
}
