import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';

const SRC = new URL('.', import.meta.url).pathname;

/** Every source file under src/, test files aside, as a path relative to src/. */
function sourceFiles(dir = SRC): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.spec.ts') ? [relative(SRC, path)] : [];
  });
}

/** Imports of a repository file that lives in another module's folder (`../<module>/<name>.repository.js`). */
function foreignRepositoryImports(file: string): string[] {
  const text = readFileSync(join(SRC, file), 'utf8');
  return [...text.matchAll(/from '(\.\.\/[^']*\.repository\.js)'/g)].map((match) => `${file} imports ${match[1]}`);
}

/** Imports from `src/<module>/` in the files of `src/<folder>/`. */
function importsOf(folder: string, module: string): string[] {
  return sourceFiles()
    .filter((file) => file.startsWith(`${folder}/`))
    .flatMap((file) => {
      const text = readFileSync(join(SRC, file), 'utf8');
      return [...text.matchAll(new RegExp(`from '(\\.\\./${module}/[^']*)'`, 'g'))].map((match) => `${file} imports ${match[1]}`);
    });
}

describe('module boundaries', () => {
  it('finds the source files it checks', () => {
    expect(sourceFiles()).toEqual(expect.arrayContaining(['users/users.service.ts', 'migration/migration.service.ts']));
  });

  it("lets no module import another module's repository (they talk through services and ports)", () => {
    expect(sourceFiles().flatMap(foreignRepositoryImports)).toEqual([]);
  });

  it('keeps the operation record apart from the migration engine, which writes it through OperationsService', () => {
    expect(importsOf('migration', 'operations')).not.toEqual([]);
    expect(importsOf('operations', 'migration')).toEqual([]);
  });
});
