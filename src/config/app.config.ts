import { registerAs } from '@nestjs/config';
import { EnvReader } from './env-reader.js';

export interface AppConfig {
  port: number;
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  /** Largest JSON body accepted; bigger ones are answered with 413. */
  bodyLimit: string;
}

export function readAppConfig(env: Record<string, string | undefined>): AppConfig {
  const read = new EnvReader(env);
  return read.done({
    port: read.int('PORT', 3000, { min: 0, max: 65535 }),
    logLevel: read.oneOf('LOG_LEVEL', ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const, 'info'),
    bodyLimit: read.string('HTTP_BODY_LIMIT', '100kb'),
  });
}

export const appConfig = registerAs('app', () => readAppConfig(process.env));
