import { describe, expect, it } from '@jest/globals';
import type { IncomingMessage, ServerResponse } from 'node:http';
import pino from 'pino';
import { REDACTED_PATHS, requestId } from './log-options.js';

function idFor(header: string | string[] | undefined): { id: string; echoed: unknown } {
  const headers: Record<string, unknown> = {};
  const response = { setHeader: (name: string, value: unknown) => void (headers[name] = value) } as unknown as ServerResponse;
  const id = requestId({ headers: { 'x-request-id': header } } as unknown as IncomingMessage, response);
  return { id, echoed: headers['x-request-id'] };
}

describe('requestId', () => {
  it('keeps a caller’s short plain id and echoes it', () => {
    expect(idFor('req-42.a:b_C')).toEqual({ id: 'req-42.a:b_C', echoed: 'req-42.a:b_C' });
  });

  it.each([undefined, '', 'a b', 'x'.repeat(101), 'line\nbreak', '{"level":60}', ['one', 'two']])(
    'replaces %j with a fresh id',
    (header) => {
      const { id, echoed } = idFor(header);
      expect(id).toMatch(/^[0-9a-f-]{36}$/);
      expect(echoed).toBe(id);
    },
  );
});

describe('REDACTED_PATHS', () => {
  it('censors credentials in headers and secret fields up to two levels down', () => {
    const lines: string[] = [];
    const logger = pino({ redact: { paths: REDACTED_PATHS, censor: '[redacted]' } }, { write: (line: string) => void lines.push(line) });
    logger.info({
      req: { headers: { authorization: 'Bearer abc', cookie: '__session=abc', accept: 'application/json' } },
      res: { headers: { 'set-cookie': 'sid=abc' } },
      password: 'abc',
      user: { passwordHash: 'abc', password_digest: 'abc', email: 'a@example.com' },
      clerk: { config: { secretKey: 'abc' } },
      accessToken: 'abc',
    });
    const record = JSON.parse(lines[0]);
    expect(lines[0]).not.toContain('abc');
    expect(record.req.headers.accept).toBe('application/json');
    expect(record.user).toEqual({ passwordHash: '[redacted]', password_digest: '[redacted]', email: 'a@example.com' });
  });
});
