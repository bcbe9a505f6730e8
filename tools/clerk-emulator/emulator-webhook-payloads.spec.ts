import { describe, expect, it } from '@jest/globals';
import { deletedUserJson, userJson } from './emulator-serializers.js';
import { EmulatorStore } from './emulator-store.js';
import { envelope, eventForBackendApi, LOCAL_REQUEST, sessionData } from './emulator-webhook-payloads.js';

const store = new EmulatorStore();
const user = store.createUser({ emails: ['payload@example.com'], firstName: 'Pay' });

describe('eventForBackendApi', () => {
  it('reads the event from what a write answered', () => {
    expect(eventForBackendApi('POST', '/v1/users', userJson(user))).toEqual({
      type: 'user.created',
      clerkUserId: user.id,
      data: userJson(user),
    });
    expect(eventForBackendApi('PATCH', '/v1/users/{user_id}', userJson(user))?.type).toBe('user.updated');
    expect(eventForBackendApi('PATCH', '/v1/users/{user_id}/metadata', userJson(user))?.type).toBe('user.updated');
    expect(eventForBackendApi('DELETE', '/v1/users/{user_id}', deletedUserJson(user))).toEqual({
      type: 'user.deleted',
      clerkUserId: user.id,
      data: { object: 'user', id: user.id, deleted: true },
    });
  });

  it('sees no event in a read or in an answer that is not a user', () => {
    expect(eventForBackendApi('GET', '/v1/users/{user_id}', userJson(user))).toBeUndefined();
    expect(eventForBackendApi('POST', '/v1/invitations', { object: 'invitation', id: 'inv_1' })).toBeUndefined();
    expect(eventForBackendApi('POST', '/v1/users/{user_id}/verify_password', { verified: true })).toBeUndefined();
  });
});

describe('payload shapes', () => {
  it('wraps data in Clerk’s event envelope, timestamp in milliseconds', () => {
    expect(envelope('user.updated', { id: 'x' }, 'ins_1', LOCAL_REQUEST, 1_716_883_200_000)).toEqual({
      data: { id: 'x' },
      object: 'event',
      type: 'user.updated',
      timestamp: 1_716_883_200_000,
      instance_id: 'ins_1',
      event_attributes: { http_request: { client_ip: '127.0.0.1', user_agent: 'clerk-emulator' } },
    });
  });

  it('gives a session Clerk’s Session fields and its user', () => {
    const session = sessionData({ id: 'sess_1', clientId: 'client_1', createdAt: 1000 }, user);
    expect(session).toMatchObject({
      object: 'session',
      id: 'sess_1',
      user_id: user.id,
      client_id: 'client_1',
      status: 'active',
      last_active_at: 1000,
      created_at: 1000,
      updated_at: 1000,
      user: userJson(user),
    });
    expect(session.expire_at).toBeGreaterThan(1000);
    expect(session.abandon_at).toBeGreaterThan(session.expire_at as number);
  });
});
