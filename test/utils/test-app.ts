import type { INestApplication } from '@nestjs/common';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { Test, type TestingModuleBuilder } from '@nestjs/testing';
import { AppModule } from '../../src/app.module.js';
import { configureApp } from '../../src/configure-app.js';

/** Environment every test app gets unless a test says otherwise. */
export const TEST_ENV: Record<string, string> = {
  LOG_LEVEL: 'silent',
  LEGACY_JWT_SECRET: 'test-legacy-secret-that-is-at-least-32-bytes-long',
  MIGRATION_SCHEDULE_ENABLED: 'false',
};

/** Failed-login limits out of the way, for tests that fail many logins on purpose and test something else. */
export const UNTHROTTLED_LOGINS: Record<string, string> = {
  LOGIN_MAX_FAILURES_PER_IP: '1000',
  LOGIN_MAX_FAILURES_PER_IP_EMAIL: '1000',
  LOGIN_MAX_FAILURES_PER_EMAIL: '1000',
};

/**
 * Boots the real AppModule on the given database, configured as `main.ts` configures it.
 * Only outside things may be overridden, through `override`.
 */
export async function createTestApp(
  databaseUrl: string,
  env: Record<string, string | undefined> = {},
  override?: (builder: TestingModuleBuilder) => TestingModuleBuilder,
): Promise<INestApplication> {
  for (const [key, value] of Object.entries({ ...TEST_ENV, DATABASE_URL: databaseUrl, ...env })) {
    if (value === undefined) delete process.env[key];
    else process.env[key] = value;
  }
  let builder = Test.createTestingModule({ imports: [AppModule] });
  if (override) builder = override(builder);
  const moduleRef = await builder.compile();
  const app = moduleRef.createNestApplication<NestExpressApplication>({ bodyParser: false, logger: false });
  configureApp(app);
  await app.init();
  return app;
}
