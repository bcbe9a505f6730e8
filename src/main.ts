import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { ConfigService } from '@nestjs/config';
import { Logger } from 'nestjs-pino';
import { AppModule } from './app.module.js';
import type { AppConfig } from './config/app.config.js';
import { configureApp } from './configure-app.js';

async function bootstrap(): Promise<void> {
  // abortOnError off: a bad configuration reaches the catch below and is printed, instead of a core dump.
  const app = await NestFactory.create<NestExpressApplication>(AppModule, { bodyParser: false, bufferLogs: true, abortOnError: false });
  configureApp(app);
  const { port } = app.get(ConfigService).getOrThrow<AppConfig>('app', { infer: true });
  await app.listen(port);
  app.get(Logger).log(`clerk-migrate listening on ${await app.getUrl()} (docs at /docs, metrics at /metrics)`, 'Bootstrap');
}

bootstrap().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
