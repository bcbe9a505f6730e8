import { isPlausibleEmail } from '../migration/migration-plan.js';
import { CliErrorCode, CliUsageError } from './cli-usage.error.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Parsers for option values: each throws a `CliUsageError` naming the option and the bad value. */
export function parseWholeNumber(option: string, raw: string, min: number, max: number): number {
  const value = Number(raw);
  if (!/^\d+$/.test(raw.trim()) || value < min || value > max) {
    throw new CliUsageError(`${option} must be a whole number from ${min} to ${max}, got "${raw}"`);
  }
  return value;
}

export function parseEmail(option: string, raw: string): string {
  const email = raw.trim();
  if (!isPlausibleEmail(email)) throw new CliUsageError(`${option} must be an email address, got "${raw}"`);
  return email;
}

export function parseChoice<T extends string>(option: string, raw: string, choices: readonly T[]): T {
  if (!(choices as readonly string[]).includes(raw)) {
    throw new CliUsageError(`${option} must be one of ${choices.join(', ')}, got "${raw}"`);
  }
  return raw as T;
}

export function parseRunId(what: string, raw: string): string {
  if (!UUID.test(raw.trim())) throw new CliUsageError(`${what} must be a UUID as listed by \`runs\`, got "${raw}"`);
  return raw.trim().toLowerCase();
}

/** Commands that change data refuse to run unconfirmed; a dry run needs no confirmation. */
export function requireConfirmation(options: { yes?: boolean; dryRun?: boolean }, what: string): void {
  if (options.yes || options.dryRun) return;
  throw new CliUsageError(
    `${what}: re-run with --yes to confirm, or with --dry-run to see what it would do`,
    CliErrorCode.ConfirmationRequired,
  );
}

/** Every long option of the CLI's commands; a test keeps it in step with the commands' `flags`. */
export const LONG_OPTIONS = [
  'delete-clerk-users',
  'dry-run',
  'email',
  'format',
  'items',
  'json',
  'limit',
  'offset',
  'resend-invites',
  'retry-invalid',
  'run',
  'strategy',
  'yes',
] as const;

/**
 * The options that `npm run cli migrate --dry-run` (without `--`) gave to npm instead of the CLI:
 * npm keeps every `--option` before a `--` as its own setting (`npm_config_dry_run=true`) and runs
 * the command without it, so a preview would run for real. Only under `npm run cli`, and only the
 * value a bare `--option` leaves (`true`): a setting from `.npmrc` (`email=me@example.com`) is not
 * one. `--yes` is left out: npm's own `yes=true` is common in CI, and a command that lost it refuses.
 */
export function optionsKeptByNpm(env: Record<string, string | undefined>, args: readonly string[]): string[] {
  if (env.npm_lifecycle_event !== 'cli') return [];
  return LONG_OPTIONS.filter((name) => {
    if (name === 'yes') return false;
    const kept = env[`npm_config_${name.replaceAll('-', '_')}`];
    return kept === 'true' && !args.some((arg) => arg === `--${name}` || arg.startsWith(`--${name}=`));
  }).map((name) => `--${name}`);
}

/** The refusal for `optionsKeptByNpm`: nothing has run yet, and the fix is one `--`. */
export function npmKeptOptionsError(kept: string[]): CliUsageError {
  return new CliUsageError(
    `npm took ${kept.join(', ')} for itself and would have run the command without ${kept.length > 1 ? 'them' : 'it'}: ` +
      'put -- between "npm run cli" and the command, e.g. npm run cli -- migrate --dry-run ' +
      '(or, if you did, unset the same setting in .npmrc or npm_config_* in the environment)',
  );
}
