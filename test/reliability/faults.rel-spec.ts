import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { INestApplication } from '@nestjs/common';
import { MigrationService } from '../../src/migration/migration.service.js';
import { startClerkEmulator, type ClerkEmulator } from '../../tools/clerk-emulator/index.js';
import { insertUsers, makeUser } from '../factories/user.factory.js';
import { createTestDatabase, type TestDatabase } from '../utils/test-database.js';
import { BULK_HASH, BULK_PASSWORD, insertBulkUsers } from './support/bulk-users.js';
import { expectLinkedExactlyOnce, unsettledUsers } from './support/end-state.js';
import { clerkEnv, closeAll, createWatchedApp } from './support/reliability-app.js';
import { SecretWitness } from './support/secret-witness.js';

const USERS = 2000;

describe('a run of 2,000 users through a faulty Clerk', () => {
  let db: TestDatabase;
  let clerk: ClerkEmulator;
  let app: INestApplication;
  const witness = new SecretWitness();
  const badInput = new Set<string>();

  beforeAll(async () => {
    db = await createTestDatabase();
    clerk = await startClerkEmulator({ rateLimit: false, developmentUserCap: false });
    const bad = [
      makeUser({ email: 'no-at-sign.example.com' }),
      makeUser({ email: `${'x'.repeat(300)}@example.com` }),
      makeUser({ passwordHash: `$2x$${BULK_HASH.slice(4)}`, password: null }),
      makeUser({ passwordHash: BULK_HASH.slice(0, 40), password: null }),
    ];
    await insertUsers(db.pool, bad);
    for (const user of bad) badInput.add(user.userId);
    await insertBulkUsers(db.pool, USERS - bad.length, 'faulty');
    witness.secret(BULK_PASSWORD, BULK_HASH, clerk.secretKey);
    app = await createWatchedApp(db.url, clerkEnv(clerk), witness);
  });
  afterAll(() => closeAll(app, clerk, db));

  it('links everyone exactly once, with 10% 5xx, 5% drops, 2% lost answers and bursts of 429', async () => {
    clerk.setFaults({ errorRate5xx: 0.1, dropRate: 0.05, lostResponseRate: 0.02 });
    clerk.injectFault('rate_limit', 20, undefined, 1);
    const bursts = new Set([600, 1300]);
    const onProgress = ({ processed }: { processed: number }) => {
      if (bursts.delete(processed)) clerk.injectFault('rate_limit', 20, undefined, 1);
    };

    const runs = [await app.get(MigrationService).migrate({ actor: 'reliability' }, onProgress)];
    // A create whose every retry failed is left for the next run by design; a second run must finish it.
    if ((await unsettledUsers(db.pool)) > 0) runs.push(await app.get(MigrationService).migrate({ actor: 'reliability' }));
    clerk.setFaults({ errorRate5xx: 0, dropRate: 0, lostResponseRate: 0 });

    console.info(
      `faults: ${runs.length} run(s); first run ${JSON.stringify(runs[0].counts)}; emulator ${JSON.stringify(clerk.requestCounts()['POST /v1/users'])}`,
    );
    expect(runs.map((r) => r.status).at(-1)).toBe('completed_with_errors');
    expect(runs[0].counts).toMatchObject({ total: USERS });
    const faults = clerk.requestCounts()['POST /v1/users'];
    expect(faults).toMatchObject({
      '500': expect.any(Number),
      dropped: expect.any(Number),
      lost_response: expect.any(Number),
      '429': expect.any(Number),
    });
    await expectLinkedExactlyOnce(db.pool, clerk, badInput);
    expect(clerk.users()).toHaveLength(USERS - badInput.size);
    // A hang guard, not a speed check: alone it takes about 40 s, and the whole suite runs beside it in CI.
  }, 180_000);

  it('let no password, hash, token or key out in a response, log line or audit row', async () => {
    expect(witness.counts.logLines).toBeGreaterThan(0);
    expect(await witness.leaks(db.pool)).toEqual([]);
  });
});
