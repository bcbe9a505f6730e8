#!/usr/bin/env node
// Compiles the TypeScript sources, or only checks that the compiled output is up to date. Plain
// JavaScript on purpose: it runs before anything is compiled, and `npm run cli` goes through it on
// every call, so it must cost a few milliseconds when there is nothing to do.
//
//   node scripts/build.js service            clean build of src/ into dist/ (what `npm run build` does)
//   node scripts/build.js --if-stale tools   rebuild dist-tools/ only if a source is newer than it
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = resolve(fileURLToPath(new URL('..', import.meta.url)));

/**
 * `service` is what production runs: src/ only, into dist/. `tools` is the demo, the Clerk emulator
 * and the benchmarks, with their own copy of src/ (they import it), into dist-tools/.
 */
export const TARGETS = {
  service: { tsconfig: 'tsconfig.build.json', outDir: 'dist', sources: ['src', 'web'] },
  tools: { tsconfig: 'tsconfig.tools.json', outDir: 'dist-tools', sources: ['src', 'web', 'tools', 'bench'] },
};

/** The operator console's front end, bundled by esbuild into `<outDir>/console/` (where the service reads it). */
export const CONSOLE_SOURCE = 'web/console';

export const STAMP = '.build-stamp';

export class BuildError extends Error {}

/** Newest modification time under the inputs; spec files are not compiled, so they do not count. */
function newestInput(target, root) {
  let newest = 0;
  const visit = (path) => {
    const stat = statSync(path, { throwIfNoEntry: false });
    if (!stat) return;
    // A directory's own time moves when a file in it is added, renamed or removed.
    newest = Math.max(newest, stat.mtimeMs);
    if (!stat.isDirectory()) return;
    for (const entry of readdirSync(path)) {
      if (!entry.endsWith('.spec.ts')) visit(join(path, entry));
    }
  };
  for (const input of [...target.sources, 'tsconfig.json', target.tsconfig]) visit(join(root, input));
  return newest;
}

/** Why the output needs building, or undefined when it is up to date. */
export function staleness(name, entry, root = ROOT) {
  const target = TARGETS[name];
  const stamp = statSync(join(root, target.outDir, STAMP), { throwIfNoEntry: false });
  if (!stamp) return `${target.outDir}/ has not been built`;
  if (entry && !existsSync(join(root, entry))) return `${entry} is missing`;
  // Without the sources (a production install ships dist/ alone) there is nothing to be newer.
  if (!target.sources.some((source) => existsSync(join(root, source)))) return undefined;
  return newestInput(target, root) > stamp.mtimeMs ? `${target.sources.join('/, ')}/ changed since ${target.outDir}/ was built` : undefined;
}

function typescriptCompiler() {
  try {
    return createRequire(import.meta.url).resolve('typescript/bin/tsc');
  } catch {
    return undefined;
  }
}

/** Compiles a target; `clean` starts from an empty output directory (no file of a deleted source survives). */
export function build(name, { clean = false } = {}) {
  const target = TARGETS[name];
  const tsc = typescriptCompiler();
  if (!tsc) {
    throw new BuildError(
      `${target.outDir}/ needs building, and TypeScript is not installed (a production install omits it): ` +
        'run `npm ci` and `npm run build` where the sources are, then ship dist/',
    );
  }
  const outDir = join(ROOT, target.outDir);
  if (clean) rmSync(outDir, { recursive: true, force: true });
  // The stamp carries the time the build started, so that a file saved during the build counts as newer.
  const started = new Date();
  // The compiler reports on stdout; a command's stdout may be one JSON document, so its report goes to stderr.
  const result = spawnSync(process.execPath, [tsc, '-p', target.tsconfig], { cwd: ROOT, stdio: ['ignore', 2, 2] });
  if (result.status !== 0) throw new BuildError(`compiling ${target.tsconfig} failed`);
  buildConsole(join(outDir, 'console'));
  writeFileSync(join(outDir, STAMP), `${started.toISOString()}\n`);
  utimesSync(join(outDir, STAMP), started, started);
}

/**
 * Bundles the console (web/console/) into `outDir`: console.js and console.css, minified. esbuild
 * is a dev dependency, like TypeScript: a production install ships the bundle built.
 */
export function buildConsole(outDir) {
  let esbuild;
  try {
    esbuild = createRequire(import.meta.url)('esbuild');
  } catch {
    throw new BuildError(
      'the console needs bundling, and esbuild is not installed: run `npm ci` and `npm run build` where the sources are',
    );
  }
  const source = join(ROOT, CONSOLE_SOURCE);
  const common = { bundle: true, minify: true, outdir: outDir, legalComments: 'none', logLevel: 'warning' };
  esbuild.buildSync({ ...common, entryPoints: { console: join(source, 'main.ts') }, format: 'esm', target: ['es2022'] });
  esbuild.buildSync({ ...common, entryPoints: { console: join(source, 'console.css') } });
}

/** Builds the target when it is out of date; returns whether it did. */
export function ensureBuilt(name, entry) {
  const reason = staleness(name, entry);
  if (!reason) return false;
  process.stderr.write(`clerk-migrate: compiling (${reason})\n`);
  // A missing output file is not noticed by an incremental build: start that one from scratch.
  build(name, { clean: reason.endsWith('is missing') });
  return true;
}

/** Runs `work`; a `BuildError` is the operator's to fix, told in one `error:` line with exit code 2. */
export function exitOnBuildError(work) {
  try {
    return work();
  } catch (error) {
    if (!(error instanceof BuildError)) throw error;
    process.stderr.write(`error: ${error.message}\n`);
    process.exit(2);
  }
}

function main(args) {
  const ifStale = args.includes('--if-stale');
  const names = args.filter((arg) => arg !== '--if-stale');
  const unknown = names.filter((name) => !(name in TARGETS));
  if (names.length === 0 || unknown.length > 0) {
    throw new BuildError(`usage: node scripts/build.js [--if-stale] ${Object.keys(TARGETS).join('|')}...`);
  }
  for (const name of names) {
    if (ifStale) ensureBuilt(name);
    else build(name, { clean: true });
  }
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  exitOnBuildError(() => main(process.argv.slice(2)));
}
