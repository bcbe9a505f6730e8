import { hashSync } from '@node-rs/bcrypt';
import { randomUUID } from 'node:crypto';
import type pg from 'pg';

export interface TestUser {
  userId: string;
  email: string;
  name: string;
  role: string;
  clerkUserId: string | null;
  passwordHash: string | null;
  /** The plain password behind `passwordHash`, for sign-in tests. */
  password: string | null;
  createdAt: Date;
}

let sequence = 0;
const hashes = new Map<string, string>();

/** bcrypt at cost 4 keeps factories fast; the hashes are as real as production ones. */
export function bcryptHash(password: string, cost = 4): string {
  const key = `${cost}:${password}`;
  if (!hashes.has(key)) hashes.set(key, hashSync(password, cost));
  return hashes.get(key)!;
}

/** A user row with a unique email, so tests can run in any order and side by side. */
export function makeUser(overrides: Partial<TestUser> = {}): TestUser {
  sequence += 1;
  const unique = `${process.pid}-${sequence}-${randomUUID().slice(0, 8)}`;
  const password = overrides.password === undefined ? `pw-${unique}` : overrides.password;
  return {
    userId: randomUUID(),
    email: `user-${unique}@example.com`,
    name: `Test User ${sequence}`,
    role: 'user',
    clerkUserId: null,
    passwordHash: password === null ? null : bcryptHash(password),
    createdAt: new Date(),
    ...overrides,
    password,
  };
}

export async function insertUsers(db: pg.Pool | pg.Client, users: TestUser[]): Promise<TestUser[]> {
  for (const user of users) {
    await db.query(
      `INSERT INTO users (user_id, clerk_user_id, email, password_hash, name, role, created_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7)`,
      [user.userId, user.clerkUserId, user.email, user.passwordHash, user.name, user.role, user.createdAt],
    );
  }
  return users;
}

export async function insertUser(db: pg.Pool | pg.Client, overrides: Partial<TestUser> = {}): Promise<TestUser> {
  const [user] = await insertUsers(db, [makeUser(overrides)]);
  return user;
}
