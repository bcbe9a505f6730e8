import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { INestApplication } from '@nestjs/common';
import request from 'supertest';
import { MigrationScheduler } from '../../src/migration/migration.scheduler.js';
import { startClerkEmulator, type ClerkEmulator } from '../../tools/clerk-emulator/index.js';
import { createTestDatabase, type TestDatabase } from '../utils/test-database.js';
import { BULK_HASH, BULK_PASSWORD, insertBulkUsers } from './support/bulk-users.js';
import { expectLinkedExactlyOnce } from './support/end-state.js';
import { clerkEnv, createWatchedApp } from './support/reliability-app.js';
import { SecretWitness } from './support/secret-witness.js';

const USERS = 300;

describe('two instances on one database', () => {
  let db: TestDatabase;
  let clerk: ClerkEmulator;
  const instances: INestApplication[] = [];
  const witness = new SecretWitness();

  beforeAll(async () => {
    db = await createTestDatabase();
    clerk = await startClerkEmulator({ rateLimit: false, developmentUserCap: false });
    await insertBulkUsers(db.pool, USERS, 'twice');
    witness.secret(BULK_PASSWORD, BULK_HASH, clerk.secretKey);
    for (let i = 0; i < 2; i += 1) instances.push(await createWatchedApp(db.url, clerkEnv(clerk), witness));
  });
  afterAll(async () => {
    for (const app of instances) await app.close();
    await clerk.stop();
    await db.drop();
  });

  it('sweep at the same moment: one run, nobody processed twice, and both keep serving logins', async () => {
    clerk.setFaults({ latencyMs: 10 });
    // Both fire for the same slot; the second waits for the lock, then finds the slot swept.
    const sweeps = Promise.all(instances.map((app) => app.get(MigrationScheduler).sweep('2026-12-01T03:00', 60_000, 200)));
    const logins: number[] = [];
    for (let round = 0; round < 5; round += 1) {
      for (const [index, app] of instances.entries()) {
        const response = await request(app.getHttpServer())
          .post('/auth/login')
          .send({ email: `twice-${round * 2 + index + 1}@example.com`, password: BULK_PASSWORD });
        logins.push(response.status);
      }
    }
    await sweeps;
    clerk.setFaults({ latencyMs: 0 });

    expect(logins).toEqual(Array(10).fill(200));
    const runs = await db.pool.query(`SELECT kind, status, started_by FROM migration_runs`);
    expect(runs.rows).toEqual([{ kind: 'sweep', status: 'completed', started_by: 'scheduler' }]);
    const items = await db.pool.query(`SELECT count(*)::int AS n, count(DISTINCT user_id)::int AS users FROM migration_items`);
    expect(items.rows[0]).toEqual({ n: USERS, users: USERS });
    await expectLinkedExactlyOnce(db.pool, clerk);
    expect(clerk.requestCounts()['POST /v1/users']).toEqual({ '200': USERS });

    for (const app of instances) {
      const after = await request(app.getHttpServer())
        .post('/auth/login')
        .send({ email: `twice-${USERS}@example.com`, password: BULK_PASSWORD });
      expect(after.status).toBe(200);
    }
  }, 60_000);

  it('let no password, hash, token or key out in a response, log line or audit row', async () => {
    expect(witness.counts.responses).toBeGreaterThanOrEqual(12);
    expect(await witness.leaks(db.pool)).toEqual([]);
  });
});
