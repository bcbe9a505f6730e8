import { describe, expect, it } from '@jest/globals';
import { EmulatorHttpError } from './emulator-errors.js';
import { EmulatorStore } from './emulator-store.js';

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (err) {
    if (err instanceof EmulatorHttpError) return `${err.error.code}:${String(err.error.meta?.param_name)}`;
  }
  return undefined;
}

describe('EmulatorStore', () => {
  it('keeps emails unique without regard to case, and external ids unique', () => {
    const store = new EmulatorStore();
    store.createUser({ emails: ['Ann@Example.com'], externalId: 'e1' });
    expect(codeOf(() => store.createUser({ emails: ['ann@example.COM'] }))).toBe('form_identifier_exists:email_address');
    expect(codeOf(() => store.createUser({ emails: ['bob@example.com'], externalId: 'e1' }))).toBe('form_identifier_exists:external_id');
  });

  it('frees an email and external id when their user is deleted', () => {
    const store = new EmulatorStore();
    const user = store.createUser({ emails: ['c@example.com'], externalId: 'e2' });
    store.delete(user.id);
    expect(store.createUser({ emails: ['c@example.com'], externalId: 'e2' }).id).not.toBe(user.id);
  });

  it('ORs the values of a filter and ANDs different filters', () => {
    const store = new EmulatorStore();
    const a = store.createUser({ emails: ['a@example.com'], externalId: 'xa' });
    const b = store.createUser({ emails: ['b@example.com'], externalId: 'xb' });
    expect(store.list({ emails: ['A@example.com', 'b@example.com'], externalIds: [], userIds: [] })).toEqual([a, b]);
    expect(store.list({ emails: ['a@example.com', 'b@example.com'], externalIds: ['xb'], userIds: [] })).toEqual([b]);
  });

  it('moves updated_at strictly forward with every change, even within one millisecond', () => {
    const store = new EmulatorStore(() => 5000);
    const user = store.createUser({ emails: ['d@example.com'] });
    const seen = [user.updatedAt];
    for (let i = 0; i < 3; i += 1) seen.push(store.update(user.id, { firstName: `D${i}` }).updatedAt);
    seen.push(store.replaceEmail(user.id, 'd2@example.com').updatedAt);
    expect(seen).toEqual([5000, 5001, 5002, 5003, 5004]);
  });

  it('replaces the addresses with a new verified primary one, freeing the old one', () => {
    const store = new EmulatorStore();
    const user = store.createUser({ emails: ['old@example.com'], verified: false });
    store.createUser({ emails: ['taken@example.com'] });
    expect(codeOf(() => store.replaceEmail(user.id, 'Taken@example.com'))).toBe('form_identifier_exists:email_address');
    const changed = store.replaceEmail(user.id, 'New@example.com');
    expect(changed.emails).toEqual([expect.objectContaining({ address: 'new@example.com', verified: true, id: changed.primaryEmailId })]);
    expect(store.findByEmail('old@example.com')).toBeUndefined();
    expect(store.findByEmail('new@example.com')?.id).toBe(user.id);
  });
});
