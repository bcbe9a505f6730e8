import pg from 'pg';

/** Set by the global set-up for every test worker. */
export const SERVER_URL_ENV = 'CLERK_MIGRATE_TEST_SERVER_URL';
export const TEMPLATE_ENV = 'CLERK_MIGRATE_TEST_TEMPLATE';

/** Databases this suite creates all start with this; the word `test` is what the guard checks. */
export const TEST_DATABASE_PREFIX = 'clerk_migrate_test_';

export function databaseUrl(serverUrl: string, database: string): string {
  const url = new URL(serverUrl);
  url.pathname = `/${database}`;
  return url.toString();
}

/** Refuses to touch a database whose name does not say it is a test database. */
export function assertTestDatabase(name: string): void {
  if (!name.includes('test')) throw new Error(`refusing to use database "${name}": a test database's name must contain "test"`);
}

export async function withServerClient<T>(serverUrl: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: serverUrl });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}
