import { registerAs } from '@nestjs/config';
import { EnvReader } from './env-reader.js';

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevelName = (typeof LOG_LEVELS)[number];

/** Stack traces are for whoever debugs: printed only at `debug` and `trace`, by the logger and by the entry points alike. */
export function showsStacks(level: string | undefined): level is 'debug' | 'trace' {
  return level === 'debug' || level === 'trace';
}

export interface AppConfig {
  /** NODE_ENV=production: what `npm start` runs, with no embedded database and no Clerk left unset. */
  production: boolean;
  port: number;
  /** Where the HTTP server binds: every interface in production, loopback elsewhere (a laptop's dev server stays private). */
  host: string;
  logLevel: LogLevelName;
  /** Largest JSON body accepted; bigger ones are answered with 413. */
  bodyLimit: string;
  /** Serve the OpenAPI UI at /docs and its document at /docs-json. */
  docsEnabled: boolean;
  /** How long the gauges read from the database are reused between scrapes. */
  metricsCacheMs: number;
  /** Serve the operator console at /console (admins only). */
  consoleEnabled: boolean;
}

export function readAppConfig(env: Record<string, string | undefined>): AppConfig {
  const read = new EnvReader(env);
  const production = read.optional('NODE_ENV') === 'production';
  if (production) {
    read.required('CLERK_SECRET_KEY', 'when NODE_ENV=production (sk_live_… or sk_test_… from the Clerk dashboard)');
    read.required('DATABASE_URL', 'when NODE_ENV=production (the embedded PostgreSQL is for development only)');
  }
  return read.done({
    production,
    port: read.int('PORT', 3000, { min: 0, max: 65535 }),
    host: read.string('HOST', production ? '0.0.0.0' : '127.0.0.1'),
    logLevel: read.oneOf('LOG_LEVEL', LOG_LEVELS, 'info'),
    bodyLimit: read.string('HTTP_BODY_LIMIT', '100kb'),
    docsEnabled: read.bool('DOCS_ENABLED', true),
    metricsCacheMs: read.int('METRICS_CACHE_MS', 5000, { min: 0, max: 3_600_000 }),
    consoleEnabled: read.bool('CONSOLE_ENABLED', true),
  });
}

export const appConfig = registerAs('app', () => readAppConfig(process.env));

/**
 * The CLI's log level (`CLI_LOG_LEVEL`, default `warn`): an operator's terminal wants the command's
 * output, not start-up chatter. Read before the rest of the configuration, to set up the logger.
 */
export function cliLogLevel(env: Record<string, string | undefined> = process.env): LogLevelName {
  const read = new EnvReader(env);
  return read.done(read.oneOf('CLI_LOG_LEVEL', LOG_LEVELS, 'warn'));
}

/**
 * How much the service says before its JSON logger takes over: warnings and errors, and everything
 * (stacks included) when `LOG_LEVEL` is `debug` or `trace`. Lenient on purpose: a bad value is
 * reported by the validation this logger prints.
 */
export function startupLogLevel(env: Record<string, string | undefined> = process.env): LogLevelName {
  const level = env.LOG_LEVEL?.trim();
  return showsStacks(level) ? level : 'warn';
}
