import 'reflect-metadata';
import { Logger } from 'nestjs-pino';
import { showsStacks, startupLogLevel } from './config/app.config.js';
import { createHttpApp, listenHttpApp } from './http-app.js';
import { isSetupFailure, SETUP_FAILURE_EXIT_CODE } from './setup-failure.js';

async function bootstrap(): Promise<void> {
  const app = await createHttpApp();
  const where = await listenHttpApp(app);
  app.get(Logger).log(`clerk-migrate listening on ${where.description} (docs at /docs, metrics at /metrics)`, 'Bootstrap');
}

bootstrap().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  if (error instanceof Error && showsStacks(startupLogLevel())) console.error(error.stack);
  // A bad configuration or no embedded PostgreSQL is a set-up problem: 2, as the CLI says it.
  process.exit(isSetupFailure(error) ? SETUP_FAILURE_EXIT_CODE : 1);
});
