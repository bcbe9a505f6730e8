import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { INestApplication } from '@nestjs/common';
import { DependentRows } from '../../../src/migration/dependent-rows.js';
import { insertUser } from '../../factories/user.factory.js';
import { createTestApp } from '../../utils/test-app.js';
import { createTestDatabase, type TestDatabase } from '../../utils/test-database.js';

describe('the rows that depend on users', () => {
  let db: TestDatabase;
  let app: INestApplication;

  beforeAll(async () => {
    db = await createTestDatabase();
    app = await createTestApp(db.url);
  });
  afterAll(async () => {
    await app.close();
    await db.drop();
  });

  it('counts product tables by foreign key and by a plain user_id column, never the service’s own tables', async () => {
    const user = await insertUser(db.pool);
    await db.pool.query('CREATE TABLE with_key (id serial PRIMARY KEY, user_id uuid NOT NULL REFERENCES users (user_id))');
    await db.pool.query('CREATE TABLE "Chat Sessions" (id serial PRIMARY KEY, user_id uuid NOT NULL)');
    await db.pool.query('INSERT INTO with_key (user_id) VALUES ($1)', [user.userId]);
    await db.pool.query('INSERT INTO "Chat Sessions" (user_id) VALUES ($1), ($1)', [user.userId]);

    const counts = await app.get(DependentRows, { strict: false }).count();
    expect(counts).toMatchObject({ with_key: 1, '"Chat Sessions"': 2 });
    expect(Object.keys(counts).filter((name) => /^(migration_|clerk_|invitation_|login_throttle)/.test(name))).toEqual([]);
    expect(counts).not.toHaveProperty('users');
  });
});
