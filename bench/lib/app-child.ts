import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { AppModule } from '../../src/app.module.js';
import { configureApp } from '../../src/configure-app.js';

/** The HTTP service as `main.ts` boots it, on a free port that it tells its parent. */
async function main(): Promise<void> {
  const app = await NestFactory.create<NestExpressApplication>(AppModule, { bodyParser: false, bufferLogs: true, abortOnError: false });
  configureApp(app);
  await app.listen(0, '127.0.0.1');
  process.send!({ url: await app.getUrl() });
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
