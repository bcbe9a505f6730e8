import 'reflect-metadata';
import { Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { readFile } from 'node:fs/promises';
import { MIGRATION_CORE_CONFIG, rootConfigModule } from '../../src/config/config-root.js';
import { DatabaseModule } from '../../src/database/database.module.js';
import { MigrationModule } from '../../src/migration/migration.module.js';
import { MigrationService } from '../../src/migration/migration.service.js';
import type { ChildRequest, ChildResult } from './migration-process.js';

/**
 * The migration process a benchmark measures, run as a child so that its memory is its own: the
 * modules the CLI boots (configuration, database, migration core), no HTTP, no scheduler.
 */
@Module({ imports: [rootConfigModule(MIGRATION_CORE_CONFIG), DatabaseModule.forRoot('apply'), MigrationModule] })
class BenchMigrationModule {}

async function main(request: ChildRequest): Promise<ChildResult> {
  const sampler = sampleRss();
  const bootStart = performance.now();
  const app = await NestFactory.createApplicationContext(BenchMigrationModule, { logger: ['error'], abortOnError: false });
  const bootMs = performance.now() - bootStart;
  const migration = app.get(MigrationService);
  const start = performance.now();
  const outcome = request.mode === 'dry-run' ? await dryRun(migration) : await migrate(migration);
  const elapsedMs = performance.now() - start;
  await app.close();
  return { ...outcome, bootMs, elapsedMs, peakRssBytes: sampler.stop(), hwmBytes: await highWaterMark() };
}

async function migrate(migration: MigrationService) {
  let lastReported = 0;
  const run = await migration.migrate({ actor: 'bench' }, ({ processed, total }) => {
    // A line every 10% so that a long run shows it is alive.
    if (processed - lastReported >= total / 10 || processed === total) {
      lastReported = processed;
      process.stderr.write(`  migrated ${processed}/${total}\n`);
    }
  });
  return { status: run.status, counts: run.counts as Record<string, unknown> };
}

async function dryRun(migration: MigrationService) {
  const report = await migration.dryRun({ actor: 'bench' });
  return { status: 'completed', counts: { total: report.total, ...report.byAction } };
}

/** Polls RSS: VmHWM (below) is the kernel's exact peak, this shows the peak after start-up too. */
function sampleRss(): { stop(): number } {
  let peak = process.memoryUsage.rss();
  const timer = setInterval(() => (peak = Math.max(peak, process.memoryUsage.rss())), 100);
  return {
    stop: () => {
      clearInterval(timer);
      return Math.max(peak, process.memoryUsage.rss());
    },
  };
}

async function highWaterMark(): Promise<number | undefined> {
  const status = await readFile('/proc/self/status', 'utf8').catch(() => '');
  const kib = /^VmHWM:\s+(\d+) kB$/m.exec(status)?.[1];
  return kib === undefined ? undefined : Number(kib) * 1024;
}

process.once('message', (request: ChildRequest) => {
  main(request).then(
    (result) => process.send!(result, () => process.exit(0)),
    (error: unknown) => {
      console.error(error);
      process.exit(1);
    },
  );
});
