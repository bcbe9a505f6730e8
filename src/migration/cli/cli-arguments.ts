import { isPlausibleEmail } from '../migration-plan.js';
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
