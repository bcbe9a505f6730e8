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
    // Each bulk row with a hash of its own, so that which rows came back shows how they were read.
    await db.pool.query(
      `INSERT INTO users (user_id, email, password_hash, name, role, created_at)
       SELECT gen_random_uuid(), 'bulk-' || n || '@example.com', 'bulk-hash-' || n, 'Bulk', 'user', now() FROM generate_series(1, 5000) AS n`,
    );
    await db.pool.query('ANALYZE users');
    const samples = [];
    for (let i = 0; i < 3; i += 1) samples.push(await users.samplePasswordHashes(20));
    for (const sample of samples) {
      expect(sample.length).toBeGreaterThan(0);
      expect(sample.length).toBeLessThanOrEqual(20);
    }
    // The fallback reads the table's first rows, the same every time; a sample of eight or more of its
    // ~100 pages draws other rows (all three draws starting on page 0 is about one chance in 2,000).
    const firstRows = await db.pool.query<{ password_hash: string }>(
      'SELECT password_hash FROM users WHERE password_hash IS NOT NULL LIMIT 20',
    );
    const fallback = firstRows.rows.map((row) => row.password_hash).join();
    expect(samples.filter((sample) => sample.join() !== fallback).length).toBeGreaterThan(0);
  });
});
