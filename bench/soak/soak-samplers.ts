import type pg from 'pg';

export interface Sample {
  atSeconds: number;
  rssMiB: number;
  heapUsedMiB: number;
  /** Connections the app holds on its database, from `pg_stat_activity`. */
  dbConnections: number;
  linkedUsers: number;
}

/** Reads one gauge from a Prometheus text exposition. */
function gauge(metrics: string, name: string): number {
  const line = metrics.split('\n').find((l) => l.startsWith(`${name} `) || l.startsWith(`${name}{`));
  return line ? Number(line.split(' ').at(-1)) : Number.NaN;
}

const MiB = 1024 * 1024;

/** The app's memory from its own `/metrics`, its connections and the linked users from the database. */
export async function sample(appUrl: string, client: pg.Client, database: string, startedAt: number): Promise<Sample> {
  const metrics = await (await fetch(`${appUrl}/metrics`)).text();
  const connections = await client.query<{ n: number }>(
    'SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()',
    [database],
  );
  const linked = await client.query<{ n: number }>('SELECT count(clerk_user_id)::int AS n FROM users');
  return {
    atSeconds: Math.round((Date.now() - startedAt) / 1000),
    rssMiB: Math.round(gauge(metrics, 'process_resident_memory_bytes') / MiB),
    heapUsedMiB: Math.round(gauge(metrics, 'nodejs_heap_size_used_bytes') / MiB),
    dbConnections: connections.rows[0].n,
    linkedUsers: linked.rows[0].n,
  };
}

/** Connections still open on the database once the app has stopped: any is a leak. */
export async function connectionsLeft(client: pg.Client, database: string): Promise<number> {
  for (let i = 0; i < 50; i += 1) {
    const { rows } = await client.query<{ n: number }>(
      'SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()',
      [database],
    );
    if (rows[0].n === 0) return 0;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  const { rows } = await client.query<{ n: number }>(
    'SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()',
    [database],
  );
  return rows[0].n;
}
