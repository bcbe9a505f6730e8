import { hashSync } from '@node-rs/bcrypt';
import { randomBytes, randomUUID } from 'node:crypto';
import type pg from 'pg';

/**
 * The world of the seed's migration, as the product had it before this service existed:
 * 44 users, 8 already on Clerk, 36 legacy ones with bcrypt passwords, and rows in
 * `chat_sessions`, `prompts`, `quotas` and `audit_logs` that point at `users.user_id`.
 */
export interface LegacyWorldUser {
  userId: string;
  email: string;
  name: string;
  role: 'user' | 'admin';
  clerkUserId: string | null;
  /** The plain password of a legacy user, known here only so that demos and tests can sign in. */
  password: string | null;
}

export interface LegacyWorldOptions {
  /** Whether `users` already has `clerk_user_id` (the seed ran its schema migration) or not yet. */
  withClerkColumn: boolean;
  legacyUsers?: number;
  clerkUsers?: number;
  /** bcrypt cost of the generated hashes: 10 like production, 4 to keep tests quick. */
  bcryptCost?: number;
}

export const DEPENDENT_TABLES = ['chat_sessions', 'prompts', 'quotas', 'audit_logs'] as const;

export async function createLegacySchema(db: pg.Client | pg.Pool, withClerkColumn: boolean): Promise<void> {
  await db.query(`
    CREATE TABLE users (
      user_id UUID PRIMARY KEY,
      ${withClerkColumn ? 'clerk_user_id VARCHAR UNIQUE NULL,' : ''}
      email VARCHAR UNIQUE NOT NULL,
      password_hash TEXT ${withClerkColumn ? 'NULL' : 'NOT NULL'},
      name VARCHAR NOT NULL,
      role VARCHAR NOT NULL,
      created_at TIMESTAMPTZ NOT NULL
    );
    CREATE TABLE chat_sessions (
      id UUID PRIMARY KEY,
      user_id UUID NOT NULL REFERENCES users (user_id) ON DELETE CASCADE,
      title TEXT NOT NULL,
      created_at TIMESTAMPTZ NOT NULL DEFAULT now()
    );
    CREATE TABLE prompts (
      id SERIAL PRIMARY KEY,
      user_id UUID NOT NULL REFERENCES users (user_id) ON DELETE CASCADE,
      session_id UUID NOT NULL REFERENCES chat_sessions (id) ON DELETE CASCADE,
      body TEXT NOT NULL
    );
    CREATE TABLE quotas (
      user_id UUID PRIMARY KEY REFERENCES users (user_id) ON DELETE CASCADE,
      monthly_limit INTEGER NOT NULL,
      used INTEGER NOT NULL DEFAULT 0
    );
    CREATE TABLE audit_logs (
      id SERIAL PRIMARY KEY,
      user_id UUID REFERENCES users (user_id),
      action VARCHAR NOT NULL,
      details JSONB,
      created_at TIMESTAMPTZ NOT NULL DEFAULT now()
    );`);
}

export function makeLegacyWorldUsers(options: LegacyWorldOptions): LegacyWorldUser[] {
  const clerkUsers = options.clerkUsers ?? 8;
  // Before the product added `clerk_user_id`, everyone was a password user.
  const onClerk = options.withClerkColumn ? clerkUsers : 0;
  const legacy = (options.legacyUsers ?? 36) + (clerkUsers - onClerk);
  const users: LegacyWorldUser[] = [];
  for (let i = 0; i < legacy; i += 1) {
    users.push({
      userId: randomUUID(),
      email: i === 0 ? 'test@example.com' : `legacy.user${i}@example.com`,
      name: i === 0 ? 'Test User' : `Legacy User ${i}`,
      role: i === 1 ? 'admin' : 'user',
      clerkUserId: null,
      password: `old-password-${i}-${randomBytes(4).toString('hex')}`,
    });
  }
  for (let i = 0; i < onClerk; i += 1) {
    users.push({
      userId: randomUUID(),
      email: `clerk.user${i}@example.com`,
      name: `Clerk User ${i}`,
      role: 'user',
      // A stand-in; the demo replaces it with the id of an account it creates in the emulator.
      clerkUserId: `user_seed${randomBytes(10).toString('hex')}`,
      password: null,
    });
  }
  return users;
}

/** Inserts the users (Clerk ids as given) and a few dependent rows for each. */
export async function insertLegacyWorld(
  db: pg.Client | pg.Pool,
  users: LegacyWorldUser[],
  options: Pick<LegacyWorldOptions, 'withClerkColumn' | 'bcryptCost'>,
): Promise<void> {
  const cost = options.bcryptCost ?? 10;
  for (const [index, user] of users.entries()) {
    const hash = user.password === null ? null : hashSync(user.password, cost);
    const createdAt = new Date(Date.UTC(2024, 0, 1) + index * 86_400_000);
    if (options.withClerkColumn) {
      await db.query(
        'INSERT INTO users (user_id, clerk_user_id, email, password_hash, name, role, created_at) VALUES ($1,$2,$3,$4,$5,$6,$7)',
        [user.userId, user.clerkUserId, user.email, hash, user.name, user.role, createdAt],
      );
    } else {
      await db.query('INSERT INTO users (user_id, email, password_hash, name, role, created_at) VALUES ($1,$2,$3,$4,$5,$6)', [
        user.userId,
        user.email,
        hash,
        user.name,
        user.role,
        createdAt,
      ]);
    }
    await insertDependentRows(db, user.userId, index);
  }
}

async function insertDependentRows(db: pg.Client | pg.Pool, userId: string, index: number): Promise<void> {
  const sessions = 1 + (index % 3);
  for (let s = 0; s < sessions; s += 1) {
    const sessionId = randomUUID();
    await db.query('INSERT INTO chat_sessions (id, user_id, title) VALUES ($1, $2, $3)', [sessionId, userId, `Chat ${s + 1}`]);
    await db.query('INSERT INTO prompts (user_id, session_id, body) VALUES ($1, $2, $3), ($1, $2, $4)', [
      userId,
      sessionId,
      'Summarise this',
      'Translate that',
    ]);
  }
  await db.query('INSERT INTO quotas (user_id, monthly_limit, used) VALUES ($1, $2, $3)', [userId, 1000, index * 7]);
  await db.query(`INSERT INTO audit_logs (user_id, action, details) VALUES ($1, 'user.signup', '{"source":"legacy"}')`, [userId]);
}
