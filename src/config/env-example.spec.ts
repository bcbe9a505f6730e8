import { describe, expect, it } from '@jest/globals';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const CONFIG_DIR = join(process.cwd(), 'src/config');

/**
 * Every variable the configuration reads: through an `EnvReader` (`read.int('PORT', …)`) or directly
 * (`env.LOG_LEVEL`). A retired name (`read.retired(…)`) is only refused, so it is not listed.
 */
function variablesRead(): string[] {
  const names = new Set<string>();
  for (const file of readdirSync(CONFIG_DIR).filter((name) => name.endsWith('.ts') && !name.endsWith('.spec.ts'))) {
    const code = readFileSync(join(CONFIG_DIR, file), 'utf8');
    for (const match of code.matchAll(/\bread\.(?!retired\b)\w+\(\s*'([A-Z][A-Z0-9_]*)'|\benv\.([A-Z][A-Z0-9_]*)\b/g))
      names.add(match[1] ?? match[2]);
  }
  return [...names].sort();
}

describe('the files an operator reads', () => {
  const variables = variablesRead();

  it('finds the variables of every namespace', () => {
    expect(variables).toEqual(
      expect.arrayContaining(['DATABASE_URL', 'CLERK_SECRET_KEY', 'LEGACY_JWT_SECRET', 'MIGRATION_CRON', 'CLI_LOG_LEVEL']),
    );
  });

  it('.env.example lists every variable, and no other', () => {
    const listed = [...readFileSync('.env.example', 'utf8').matchAll(/^#? ?([A-Z][A-Z0-9_]*)=/gm)].map((match) => match[1]).sort();
    expect(listed).toEqual(variables);
  });

  it('README’s configuration table has a row for every variable', () => {
    const readme = readFileSync('README.md', 'utf8');
    const table = readme.slice(readme.indexOf('### Configuration'));
    expect(variables.filter((name) => !table.includes(`\`${name}\``))).toEqual([]);
  });
});
