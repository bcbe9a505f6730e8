import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { INestApplication } from '@nestjs/common';
import { MigrationService } from '../../src/migration/migration.service.js';
import { startClerkEmulator, type ClerkEmulator } from '../../tools/clerk-emulator/index.js';
import { eventually } from '../utils/eventually.js';
import { TcpProxy, throughProxy } from '../utils/tcp-proxy.js';
import { createTestDatabase, type TestDatabase } from '../utils/test-database.js';
import { BULK_HASH, BULK_PASSWORD, insertBulkUsers } from './support/bulk-users.js';
import { expectLinkedExactlyOnce } from './support/end-state.js';
import { clerkEnv, closeAll, createWatchedApp } from './support/reliability-app.js';
import { SecretWitness } from './support/secret-witness.js';

const USERS = 400;

/** The run's promise, or a rejection if it has not settled in time: a hang is a failure, not a wait. */
function settlesWithin<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const hung = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`the run did not settle within ${ms} ms of losing its database`)), ms);
  });
  return Promise.race([promise, hung]).finally(() => clearTimeout(timer));
}

describe('the database going away in the middle of a run', () => {
  let db: TestDatabase;
  let proxy: TcpProxy;
  let clerk: ClerkEmulator;
  let app: INestApplication;
  const witness = new SecretWitness();
  const migration = () => app.get(MigrationService);

  beforeAll(async () => {
    db = await createTestDatabase();
    await insertBulkUsers(db.pool, USERS, 'dbgone');
    const target = new URL(db.url);
    proxy = await new TcpProxy(target.hostname, Number(target.port || 5432)).start();
    clerk = await startClerkEmulator({ rateLimit: false, developmentUserCap: false });
    witness.secret(BULK_PASSWORD, BULK_HASH, clerk.secretKey);
    app = await createWatchedApp(throughProxy(db.url, proxy), { ...clerkEnv(clerk), DATABASE_PING_TIMEOUT_MS: '1000' }, witness);
  });
  afterAll(async () => {
    await app?.close();
    await proxy.stop();
    await closeAll(undefined, clerk, db);
  });

  it('stops with database_unavailable, leaves nothing half-written, and the next run finishes the job', async () => {
    clerk.setFaults({ latencyMs: 10 });
    let cutAt = 0;
    const run = await settlesWithin(
      migration().migrate({ actor: 'reliability' }, ({ processed }) => {
        if (processed === 100 && cutAt === 0) {
          cutAt = processed;
          proxy.cut();
        }
      }),
      30_000,
    );
    expect(cutAt).toBe(100);
    expect(run).toMatchObject({ status: 'failed', errorCode: 'database_unavailable' });
    proxy.restore();
    clerk.setFaults({ latencyMs: 0 });

    await expectNothingHalfWritten();
    const stranded = await db.pool.query(`SELECT status FROM migration_runs WHERE id = $1`, [run.id]);
    const linkedAtCut = (await db.pool.query('SELECT count(clerk_user_id)::int AS n FROM users')).rows[0].n;
    expect(linkedAtCut).toBeGreaterThanOrEqual(100);
    expect(linkedAtCut).toBeLessThan(USERS);

    // The app's pool reconnects on demand; the first attempts after a restore may still meet a dead connection.
    const attempt = () =>
      migration()
        .migrate({ actor: 'reliability' })
        .catch((error: unknown) => error);
    const next = await eventually(attempt, (outcome) => !(outcome instanceof Error), { timeoutMs: 2_000, intervalMs: 200 });
    expect(next).toMatchObject({ status: 'completed' });
    await expectLinkedExactlyOnce(db.pool, clerk);
    expect(clerk.users()).toHaveLength(USERS);
    // The failed run could not record its own end while the database was gone; the next one did.
    expect(['running', 'failed']).toContain(stranded.rows[0].status);
    expect((await migration().getRun(run.id)).status).toMatch(/^(failed|interrupted)$/);
  }, 90_000);

  it('let no password, hash, token or key out in a response, log line or audit row', async () => {
    expect(await witness.leaks(db.pool)).toEqual([]);
  });

  /** Every link has its item and its audit row (one transaction), and every settled item its link. */
  async function expectNothingHalfWritten(): Promise<void> {
    const linkWithoutItem = await db.pool.query(
      `SELECT u.user_id FROM users u WHERE u.clerk_user_id IS NOT NULL AND NOT EXISTS (
         SELECT 1 FROM migration_items i WHERE i.user_id = u.user_id AND i.status IN ('created', 'linked') AND i.clerk_user_id = u.clerk_user_id)`,
    );
    expect(linkWithoutItem.rows).toEqual([]);
    const itemWithoutLink = await db.pool.query(
      `SELECT i.user_id FROM migration_items i JOIN users u USING (user_id)
        WHERE i.status IN ('created', 'linked') AND u.clerk_user_id IS DISTINCT FROM i.clerk_user_id`,
    );
    expect(itemWithoutLink.rows).toEqual([]);
    const itemWithoutAudit = await db.pool.query(
      `SELECT i.user_id FROM migration_items i WHERE i.status = 'created' AND NOT EXISTS (
         SELECT 1 FROM audit_logs a WHERE a.user_id = i.user_id AND a.action = 'migration.user.created')`,
    );
    expect(itemWithoutAudit.rows).toEqual([]);
    // A Clerk account without a local link is allowed only where the item says the answer is unknown.
    const { rows } = await db.pool.query(`SELECT user_id, clerk_user_id, status FROM migration_items`);
    const linked = new Set(rows.filter((r) => r.status === 'created' || r.status === 'linked').map((r) => r.user_id));
    const uncertain = new Set(rows.filter((r) => r.status === 'creating').map((r) => r.user_id));
    const unexplained = clerk.users().filter((a) => !linked.has(a.external_id) && !uncertain.has(a.external_id));
    expect(unexplained).toEqual([]);
  }
});
