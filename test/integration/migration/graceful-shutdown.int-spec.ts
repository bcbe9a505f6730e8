import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { INestApplication } from '@nestjs/common';
import { MigrationService, type StartedRun } from '../../../src/migration/migration.service.js';
import { startClerkEmulator, type ClerkEmulator } from '../../../tools/clerk-emulator/index.js';
import { createTestApp } from '../../utils/test-app.js';
import { seedWorld, type SeedWorld } from '../../utils/seed-world.js';

const LEGACY_USERS = 120;
/** Few Clerk calls at a time and slow answers, so that the run is surely mid-way when the app closes. */
const ENV = { MIGRATION_CONCURRENCY: '4', MIGRATION_BATCH_SIZE: '50' };

describe('graceful shutdown during a migration run', () => {
  let clerk: ClerkEmulator;
  let world: SeedWorld;
  let next: INestApplication | undefined;

  beforeAll(async () => {
    clerk = await startClerkEmulator({ rateLimit: false, developmentUserCap: false });
    world = await seedWorld(clerk, ENV, { legacyUsers: LEGACY_USERS });
  });
  afterAll(async () => {
    await next?.close();
    await world.db.drop();
    await clerk.stop();
  });

  /** Starts a run and resolves once `count` users are done, so the close lands mid-run. */
  async function startAndWaitFor(count: number): Promise<StartedRun> {
    let reached!: () => void;
    const progressed = new Promise<void>((resolve) => (reached = resolve));
    const started = await world.app.get(MigrationService).start({ actor: 'test' }, ({ processed }) => {
      if (processed >= count) reached();
    });
    await progressed;
    return started;
  }

  it('finishes the users in flight, records the run as interrupted, and leaves no item in limbo', async () => {
    clerk.setFaults({ latencyMs: 50 });
    const started = await startAndWaitFor(10);
    await world.app.close();
    const run = await started.finished;
    expect(run.status).toBe('interrupted');

    const items = await world.db.pool.query(`SELECT status, error_code FROM migration_items WHERE run_id = $1`, [run.id]);
    const statuses = items.rows.map((row) => row.status);
    expect(statuses).not.toContain('pending');
    expect(statuses).not.toContain('creating');
    const created = statuses.filter((status) => status === 'created').length;
    expect(created).toBeGreaterThanOrEqual(10);
    // Stopped within the batch, not at its end: only the users already in flight were finished.
    expect(created).toBeLessThan(Number(ENV.MIGRATION_BATCH_SIZE));
    for (const row of items.rows.filter((r) => r.status === 'failed')) expect(row.error_code).toBe('interrupted');

    const linked = await world.db.pool.query(`SELECT count(*)::int AS n FROM users WHERE clerk_user_id IS NOT NULL`);
    expect(linked.rows[0].n).toBe(world.users.length - LEGACY_USERS + created);
    expect(clerk.users()).toHaveLength(linked.rows[0].n);
  });

  it('lets the next run finish everyone, with no second Clerk account for anybody', async () => {
    clerk.setFaults({ latencyMs: 0 });
    next = await createTestApp(world.db.url, ENV);
    const run = await next.get(MigrationService).migrate({ actor: 'test' });
    expect(run.status).toBe('completed');
    expect(await next.get(MigrationService).stats()).toMatchObject({
      total: world.users.length,
      withClerk: world.users.length,
      withoutClerk: 0,
    });
    const externalIds = clerk.users().map((user) => user.external_id);
    expect(externalIds).toHaveLength(world.users.length);
    expect(new Set(externalIds).size).toBe(world.users.length);
  });
});
