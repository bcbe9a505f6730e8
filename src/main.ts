import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { ConfigService } from '@nestjs/config';
import { Logger } from 'nestjs-pino';
import { AppModule } from './app.module.js';
import { showsStacks, startupLogLevel, type AppConfig } from './config/app.config.js';
import { configureApp } from './configure-app.js';
import { describeListenAddress } from './listen-address.js';
import { EmbeddedPostgresError } from './database/embedded-postgres.error.js';
import { StderrLogger } from './logging/stderr-logger.js';

// Until the JSON logger takes over: a failed start is one plain message below, with no Nest log lines or stacks around it.
const startupLogger = new StderrLogger(startupLogLevel());

async function bootstrap(): Promise<void> {
  // abortOnError off: a bad configuration reaches the catch below and is printed, instead of a core dump.
  const app = await NestFactory.create<NestExpressApplication>(AppModule, {
    bodyParser: false,
    bufferLogs: true,
    abortOnError: false,
    logger: startupLogger,
  });
  configureApp(app);
  const { port, host } = app.get(ConfigService).getOrThrow<AppConfig>('app', { infer: true });
  await app.listen(port, host);
  const where = describeListenAddress(app.getHttpServer());
  app.get(Logger).log(`clerk-migrate listening on ${where.description} (docs at /docs, metrics at /metrics)`, 'Bootstrap');
}

bootstrap().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  if (error instanceof Error && showsStacks(startupLogLevel())) console.error(error.stack);
  // No embedded PostgreSQL is a set-up problem, like a bad configuration: 2, as the CLI says it.
  process.exit(error instanceof EmbeddedPostgresError ? 2 : 1);
});
