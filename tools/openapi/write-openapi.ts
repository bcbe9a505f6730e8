import 'reflect-metadata';
import { writeFile } from 'node:fs/promises';
import { NestFactory } from '@nestjs/core';
import { AppModule } from '../../src/app.module.js';
import { createOpenApiDocument } from '../../src/openapi.js';

/**
 * Writes the service's OpenAPI document to the file named by the first argument (stdout without
 * one), as `/docs-json` serves it, without a database or a server: in preview mode Nest reads
 * the modules' routes and decorators but builds no provider.
 */
async function main(): Promise<void> {
  const app = await NestFactory.create(AppModule, { preview: true, logger: false, abortOnError: false });
  const json = `${JSON.stringify(createOpenApiDocument(app), null, 2)}\n`;
  await app.close();
  const target = process.argv[2];
  if (target) await writeFile(target, json);
  else process.stdout.write(json);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
