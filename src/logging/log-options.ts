import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Options } from 'pino-http';
import type { AppConfig } from '../config/app.config.js';

export const REQUEST_ID_HEADER = 'x-request-id';

/** Field names whose values are secrets wherever they appear in a log record. */
const SECRET_FIELDS = [
  'password',
  'passwordHash',
  'password_hash',
  'passwordDigest',
  'password_digest',
  'token',
  'accessToken',
  'access_token',
  'sessionToken',
  'secret',
  'secretKey',
  'secret_key',
  'jwtSecret',
  'authorization',
  'cookie',
];

/**
 * pino's redaction takes paths, not patterns: each secret field is listed at the top of the record
 * and two levels down, which covers `{ user: { password } }` and the request's headers.
 */
export const REDACTED_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'res.headers["set-cookie"]',
  ...SECRET_FIELDS.flatMap((field) => [field, `*.${field}`, `*.*.${field}`]),
];

/** A caller's id is kept only if it is a short plain token, so it cannot forge or flood log lines. */
const SANE_REQUEST_ID = /^[A-Za-z0-9._:-]{1,100}$/;

/** The caller's `x-request-id` when sane, else a new one; echoed in the response either way. */
export function requestId(request: IncomingMessage, response: ServerResponse): string {
  const incoming = request.headers[REQUEST_ID_HEADER];
  const id = typeof incoming === 'string' && SANE_REQUEST_ID.test(incoming) ? incoming : randomUUID();
  response.setHeader(REQUEST_ID_HEADER, id);
  return id;
}

/** Probes are polled every few seconds; a line each would drown the log. */
function isProbe(request: IncomingMessage): boolean {
  return request.url === '/metrics' || (request.url ?? '').startsWith('/health/');
}

/**
 * One JSON line per request and per application log, at LOG_LEVEL. pino-http logs the request
 * line and headers (secrets redacted), never bodies.
 */
export function httpLogOptions(config: Pick<AppConfig, 'logLevel'>): Options {
  return {
    level: config.logLevel,
    redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
    genReqId: requestId,
    autoLogging: { ignore: isProbe },
    customLogLevel: (_request, response, error) => {
      if (error || response.statusCode >= 500) return 'error';
      return response.statusCode >= 400 ? 'warn' : 'info';
    },
  };
}
