import { ConfigService } from '@nestjs/config';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { AppModule } from './app.module.js';
import { startupLogLevel, type AppConfig } from './config/app.config.js';
import { configureApp } from './configure-app.js';
import { describeListenAddress } from './listen-address.js';
import { StderrLogger } from './logging/stderr-logger.js';

/**
 * The service's HTTP app, configured as it runs, for `main.ts`, `npm run dev`, the demo and the
 * benchmarks alike. Until the JSON logger takes over, a failed start is one plain message from the
 * caller, with no Nest log lines or stacks around it; abortOnError off, so that a bad configuration is
 * thrown to the caller instead of ending the process.
 */
export async function createHttpApp(): Promise<NestExpressApplication> {
  const app = await NestFactory.create<NestExpressApplication>(AppModule, {
    bodyParser: false,
    bufferLogs: true,
    abortOnError: false,
    logger: new StderrLogger(startupLogLevel()),
  });
  configureApp(app);
  return app;
}

/** Listens on `port` (default `PORT`) at the configured host; says where, as a person reads it. */
export async function listenHttpApp(app: NestExpressApplication, port?: number): Promise<{ url: string; description: string }> {
  const config = app.get(ConfigService).getOrThrow<AppConfig>('app', { infer: true });
  await app.listen(port ?? config.port, config.host);
  return describeListenAddress(app.getHttpServer());
}
