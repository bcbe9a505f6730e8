import { describe, expect, it } from '@jest/globals';
import { ClerkErrorKind, ClerkGatewayError } from './clerk/clerk-gateway.error.js';
import { InvalidConfigError } from './config/env-reader.js';
import { EmbeddedPostgresError } from './database/embedded-postgres.error.js';
import { SchemaNotReadyError } from './database/schema-not-ready.error.js';
import { isSetupFailure } from './setup-failure.js';

describe('isSetupFailure', () => {
  it.each([
    ['a bad setting', new InvalidConfigError(['PORT must be a port number'])],
    ['no embedded PostgreSQL', new EmbeddedPostgresError('the disk is full')],
    ['a database without the schema', new SchemaNotReadyError('the database', ['001_init'], 1)],
    ['no CLERK_SECRET_KEY', ClerkGatewayError.notConfigured()],
  ])('counts %s as the operator’s to fix', (_what, error) => {
    expect(isSetupFailure(error)).toBe(true);
  });

  it('leaves every other failure, Clerk refusing the key included, to the caller', () => {
    expect(isSetupFailure(new ClerkGatewayError({ kind: ClerkErrorKind.Unauthorized, message: 'refused' }))).toBe(false);
    expect(isSetupFailure(new Error('boom'))).toBe(false);
    expect(isSetupFailure('boom')).toBe(false);
    expect(isSetupFailure(undefined)).toBe(false);
  });
});
