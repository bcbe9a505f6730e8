import { readFileSync } from 'node:fs';

/**
 * The version in the package's `package.json`, the nearest one named `clerk-migrate` above this
 * file (in `src/` or in the compiled `dist/src/`). Read from disk rather than imported, so that
 * the compiled output stays the sources alone.
 */
export function packageVersion(from: string = import.meta.url): string {
  let folder = new URL('./', from);
  for (let level = 0; level < 6; level += 1) {
    folder = new URL('../', folder);
    try {
      const manifest = JSON.parse(readFileSync(new URL('package.json', folder), 'utf8')) as { name?: string; version?: string };
      if (manifest.name === 'clerk-migrate' && manifest.version) return manifest.version;
    } catch {
      // No manifest at this level: look one further up.
    }
  }
  return 'unknown';
}
