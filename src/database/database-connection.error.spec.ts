import { describe, expect, it } from '@jest/globals';
import { DatabaseUnavailableError, explainConnectionFailure } from './database-connection.error.js';

const URL = 'postgres://app:s3cret-password@db.example.com:6543/product';

function failure(code: string | undefined, message: string): Error {
  return Object.assign(new Error(message), code ? { code } : {});
}

function explained(error: Error): DatabaseUnavailableError {
  const result = explainConnectionFailure(error, URL);
  if (!(result instanceof DatabaseUnavailableError)) throw new Error(`not explained: ${String(result)}`);
  return result;
}

describe('explainConnectionFailure', () => {
  it('names the server, the database and DATABASE_URL, says what to fix, and never prints the password', () => {
    const error = explained(failure('ECONNREFUSED', 'connect ECONNREFUSED 10.0.0.7:6543'));
    expect(error.message).toBe(
      'cannot connect to PostgreSQL at db.example.com:6543, database "product" (DATABASE_URL): ' +
        'nothing accepts connections at db.example.com:6543; ' +
        'check the host and port in DATABASE_URL, and that PostgreSQL runs there and accepts TCP connections from this machine',
    );
    expect(error).toMatchObject({ code: 'database_unavailable', status: 503, permanent: false });
    expect(error.details).toEqual({ host: 'db.example.com', port: '6543', database: 'product' });
    expect(JSON.stringify({ message: error.message, details: error.details })).not.toContain('s3cret');
  });

  it.each([
    ['ENOTFOUND', 'getaddrinfo ENOTFOUND db.example.com', /host name "db.example.com" does not resolve; check the host/, false],
    ['ETIMEDOUT', 'connect ETIMEDOUT', /cannot be reached from this machine \(ETIMEDOUT\)/, false],
    [undefined, 'Connection terminated due to connection timeout', /did not answer in time/, false],
    [
      undefined,
      'Connection terminated unexpectedly',
      /closed it without answering as PostgreSQL does; check that the host and port/,
      false,
    ],
    ['57P03', 'the database system is starting up', /starting up or shutting down; try again/, false],
    [
      '28P01',
      'password authentication failed for user "app"',
      /password authentication failed .*; check the user \("app"\) and password/,
      true,
    ],
    ['3D000', 'database "product" does not exist', /does not exist; create the database "product", or correct its name/, true],
  ])('%s: %s', (code, message, expected, permanent) => {
    const error = explained(failure(code, message));
    expect(error.message).toMatch(expected);
    expect(error.permanent).toBe(permanent);
  });

  it('leaves any other error as it was', () => {
    const other = failure('42P01', 'relation "users" does not exist');
    expect(explainConnectionFailure(other, URL)).toBe(other);
    expect(explainConnectionFailure('not an error', URL)).toBe('not an error');
  });
});
