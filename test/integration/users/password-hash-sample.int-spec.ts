import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { INestApplication } from '@nestjs/common';
import { DummyHash } from '../../../src/auth/dummy-hash.js';
import { UsersRepository } from '../../../src/users/users.repository.js';
import { bcryptHash, insertUser } from '../../factories/user.factory.js';
import { createTestApp } from '../../utils/test-app.js';
import { createTestDatabase, type TestDatabase } from '../../utils/test-database.js';

describe('sampling the stored password hashes', () => {
  let db: TestDatabase;
  let app: INestApplication;

  beforeAll(async () => {
    db = await createTestDatabase();
    app = await createTestApp(db.url, { LEGACY_DUMMY_HASH_COST: '4' });
  });
  afterAll(async () => {
    await app.close();
    await db.drop();
  });

  it('falls back to a made-up hash at LEGACY_DUMMY_HASH_COST while the table holds none', async () => {
    expect(await app.get(UsersRepository).samplePasswordHashes(10)).toEqual([]);
    expect(await app.get(DummyHash).get()).toMatch(/^\$2b\$04\$/);
  });

  it('reads a few hashes of a small table, and a sample of the pages of a large one', async () => {
    await insertUser(db.pool, { passwordHash: bcryptHash('x', 5), password: null });
    await insertUser(db.pool, { password: null });
    const users = app.get(UsersRepository);
    expect(await users.samplePasswordHashes(10)).toEqual([bcryptHash('x', 5)]);
    await db.pool.query(
      `INSERT INTO users (user_id, email, password_hash, name, role, created_at)
       SELECT gen_random_uuid(), 'bulk-' || n || '@example.com', $1, 'Bulk', 'user', now() FROM generate_series(1, 5000) AS n`,
      [bcryptHash('y', 6)],
    );
    await db.pool.query('ANALYZE users');
    const sample = await users.samplePasswordHashes(20);
    expect(sample.length).toBeGreaterThan(0);
    expect(sample.length).toBeLessThanOrEqual(20);
  });
});
