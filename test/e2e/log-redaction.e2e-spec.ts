import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import request from 'supertest';
import { LOG_DESTINATION } from '../../src/logging/logging.module.js';
import { MigrationService } from '../../src/migration/migration.service.js';
import { startClerkEmulator, type ClerkEmulator } from '../../tools/clerk-emulator/index.js';
import { signedInAdmin } from '../utils/auth.js';
import { waitFor } from '../utils/eventually.js';
import { seedWorld, type SeedWorld } from '../utils/seed-world.js';
import { TEST_ENV } from '../utils/test-app.js';

/**
 * Reads every log line of a real session (logins both ways, a migration, a Clerk sign-in with an
 * imported password) and looks for any secret that went through the app on the way.
 */
describe('logs', () => {
  let clerk: ClerkEmulator;
  let world: SeedWorld;
  const lines: string[] = [];
  const secrets: string[] = [];
  const http = () => request(world.app.getHttpServer());

  beforeAll(async () => {
    clerk = await startClerkEmulator({ rateLimit: false });
    const destination = { write: (line: string) => void lines.push(line) };
    world = await seedWorld(clerk, { LOG_LEVEL: 'info' }, { legacyUsers: 3 }, (builder) =>
      builder.overrideProvider(LOG_DESTINATION).useValue(destination),
    );
    secrets.push(clerk.secretKey, TEST_ENV.LEGACY_JWT_SECRET);
    await aSessionOfEverything();
  });
  afterAll(async () => {
    await world.close();
    await clerk.stop();
  });

  async function aSessionOfEverything(): Promise<void> {
    const [person, other] = world.legacy;
    const login = await http()
      .post('/auth/login')
      .set('x-request-id', 'scrape-1')
      .send({ email: person.email, password: person.password })
      .expect(200);
    await http()
      .post('/auth/login')
      .send({ email: other.email, password: `${other.password}-wrong` })
      .expect(401);
    await http()
      .get('/users/me')
      .set({ Authorization: `Bearer ${login.body.accessToken}` })
      .expect(200);
    const admin = await signedInAdmin(world.app, world.db.pool);
    await http().post('/migration/runs').set(admin.auth).send({}).expect(202);
    const migrated = async () => (await world.app.get(MigrationService).stats()).withoutClerk === 0;
    await waitFor('the migration to finish', migrated, { timeoutMs: 5_000, intervalMs: 50 });
    const session = await clerk.signIn(person.email, person.password!);
    await http()
      .get('/users/me')
      .set({ Authorization: `Bearer ${session.token}` })
      .expect(200);
    await http().get('/users/me').set('Cookie', `__session=${session.token}`).expect(200);
    await http()
      .get('/users/me')
      .set({ Authorization: `Bearer ${session.token}x` })
      .expect(401);
    // Machines: a person's API key, an M2M token, and a made-up key.
    const key = clerk.machineAuth.createApiKey({ subject: session.userId, name: 'log scrape key' });
    await http()
      .get('/users/me')
      .set({ Authorization: `Bearer ${key.secret}` })
      .expect(403);
    const machine = clerk.machineAuth.createM2mToken();
    await http()
      .get('/migration/runs')
      .set({ Authorization: `Bearer ${machine.token}` })
      .expect(403);
    const madeUp = 'ak_madeUpKeyThatMustNotBeLogged';
    await http()
      .get('/audit')
      .set({ Authorization: `Bearer ${madeUp}` })
      .expect(401);
    secrets.push(key.secret, machine.token, madeUp);
    secrets.push(login.body.accessToken, admin.token, admin.user.password!, session.token);
    for (const user of world.legacy) secrets.push(user.password!);
  }

  it('are JSON lines with a request id, the caller’s own when it sent one', () => {
    const records = lines.map((line) => JSON.parse(line) as { req?: { id?: string; headers?: Record<string, string> }; msg?: string });
    const requests = records.filter((record) => record.req);
    expect(requests.length).toBeGreaterThanOrEqual(8);
    for (const record of requests) expect(record.req!.id).toBeTruthy();
    expect(requests.map((record) => record.req!.id)).toContain('scrape-1');
    expect(requests.some((record) => record.req!.headers?.authorization === '[redacted]')).toBe(true);
    expect(requests.some((record) => record.req!.headers?.cookie === '[redacted]')).toBe(true);
  });

  it('carry no password, hash, token or secret key', () => {
    const log = lines.join('');
    expect(log).not.toMatch(/\$2[aby]\$/);
    for (const secret of secrets) expect(log).not.toContain(secret);
    // A JWT's signature alone would still be a leak.
    for (const token of secrets.filter((s) => s.split('.').length === 3)) expect(log).not.toContain(token.split('.')[2]);
  });
});
