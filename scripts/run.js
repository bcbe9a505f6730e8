#!/usr/bin/env node
// `node scripts/run.js dist/src/cli.js <args>`: runs a compiled entry point, compiling first only
// when a source is newer than the build. The entry runs in this same process, as if started with
// `node <entry> <args>`, so that an up-to-date command costs one Node start and a directory walk.
import module from 'node:module';
import { isAbsolute, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { ensureBuilt, exitOnBuildError, ROOT, TARGETS } from './build.js';

const [entry, ...args] = process.argv.slice(2);
const target = Object.keys(TARGETS).find((name) => entry?.startsWith(`${TARGETS[name].outDir}/`));
if (!entry || isAbsolute(entry) || !target) {
  const outDirs = Object.values(TARGETS).map((t) => t.outDir);
  process.stderr.write(`usage: node scripts/run.js <${outDirs.join('|')}>/<entry>.js [args...]\n`);
  process.exit(2);
}
exitOnBuildError(() => ensureBuilt(target, entry));
// Node 22 keeps the compiled code of every module it loads on disk, for the next command (Node 20 has no such cache).
module.enableCompileCache?.();
const file = join(ROOT, entry);
process.argv = [process.argv[0], file, ...args];
await import(pathToFileURL(file).href);
