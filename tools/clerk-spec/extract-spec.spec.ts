import { describe, expect, it } from '@jest/globals';
import { existsSync, readFileSync } from 'node:fs';
import { extractSpec } from './extract-spec.js';

const SPEC = new URL('../../../shared/reference/clerk-openapi/bapi-2026-05-12.yml', import.meta.url);
const EXTRACT = new URL('../clerk-emulator/clerk-spec.extract.json', import.meta.url);

describe('the committed extract of Clerk’s Backend API spec', () => {
  // The spec lives beside the repository, not in it: a clone without it checks the committed extract only.
  (existsSync(SPEC) ? it : it.skip)('is what `npm run clerk:spec` writes from the spec', () => {
    const committed = JSON.parse(readFileSync(EXTRACT, 'utf8')) as { source: string };
    expect(extractSpec(readFileSync(SPEC, 'utf8'), committed.source)).toEqual(committed);
  });

  it('covers every operation the gateway uses', () => {
    const committed = JSON.parse(readFileSync(EXTRACT, 'utf8')) as { operations: Record<string, unknown> };
    expect(Object.keys(committed.operations)).toEqual(
      expect.arrayContaining([
        'GET /v1/users',
        'GET /v1/users/count',
        'POST /v1/users',
        'GET /v1/users/{user_id}',
        'PATCH /v1/users/{user_id}',
        'DELETE /v1/users/{user_id}',
        'POST /v1/invitations',
        'GET /v1/invitations',
        'POST /v1/invitations/bulk',
        'POST /v1/invitations/{invitation_id}/revoke',
        'GET /v1/jwks',
      ]),
    );
  });
});
