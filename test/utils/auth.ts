import type { INestApplication } from '@nestjs/common';
import type pg from 'pg';
import request from 'supertest';
import { insertUser, type TestUser } from '../factories/user.factory.js';

/** A new user with a password, signed in through `POST /auth/login`. */
export async function signedInUser(
  app: INestApplication,
  pool: pg.Pool,
  overrides: Partial<TestUser> = {},
): Promise<{ user: TestUser; token: string; auth: { Authorization: string } }> {
  const user = await insertUser(pool, overrides);
  const response = await request(app.getHttpServer()).post('/auth/login').send({ email: user.email, password: user.password });
  if (response.status !== 200) throw new Error(`login of a fresh test user failed: ${response.status} ${JSON.stringify(response.body)}`);
  const token: string = response.body.accessToken;
  return { user, token, auth: { Authorization: `Bearer ${token}` } };
}

export const signedInAdmin = (app: INestApplication, pool: pg.Pool) => signedInUser(app, pool, { role: 'admin' });
