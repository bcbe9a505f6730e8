import { describe, expect, it } from '@jest/globals';
import type { ClerkUser } from '../clerk/clerk.gateway.js';
import { UserEntity } from '../users/user.entity.js';
import { clerkName, clerkRole, driftOf } from './profile-drift.js';

function clerkUser(overrides: Partial<ClerkUser> = {}): ClerkUser {
  return {
    id: 'user_1',
    externalId: null,
    primaryEmail: 'ada@example.com',
    emails: [{ address: 'ada@example.com', verified: true }],
    firstName: 'Ada',
    lastName: 'Lovelace',
    createdAt: 0,
    updatedAt: 0,
    lastSignInAt: null,
    publicMetadata: {},
    privateMetadata: {},
    ...overrides,
  };
}

function row(overrides: Partial<UserEntity> = {}): UserEntity {
  return Object.assign(new UserEntity(), {
    userId: 'u',
    clerkUserId: 'user_1',
    email: 'Ada@Example.com',
    passwordHash: null,
    name: 'Ada Lovelace',
    role: 'user',
    createdAt: new Date(0),
    ...overrides,
  });
}

describe('profile drift', () => {
  it('sees nothing when the row already follows Clerk (email case aside)', () => {
    expect(driftOf(row(), clerkUser())).toEqual({});
  });

  it('keeps a multi-word name the migrator split', () => {
    const user = clerkUser({ firstName: 'Anna', lastName: 'Maria de la Cruz' });
    expect(driftOf(row({ name: 'Anna  Maria de la Cruz' }), user)).toEqual({});
  });

  it('follows email, name and a public role', () => {
    const user = clerkUser({ primaryEmail: 'ada@new.example', firstName: 'Augusta', publicMetadata: { role: 'admin' } });
    expect(driftOf(row(), user)).toEqual({ email: 'ada@new.example', name: 'Augusta Lovelace', role: 'admin' });
  });

  it('names a person without names by the email local part, and never reads an empty role', () => {
    const user = clerkUser({ firstName: null, lastName: null, publicMetadata: { role: '  ' } });
    expect(clerkName(user, 'ada@example.com')).toBe('ada');
    expect(clerkRole(user)).toBeNull();
    expect(driftOf(row({ name: 'ada' }), user)).toEqual({});
  });
});
