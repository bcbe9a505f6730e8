import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { QueryRunner } from 'typeorm';
import { CreateInvitationOutbox1764000000013 } from '../../../src/database/migrations/1764000000013-create-invitation-outbox.js';
import { insertUsers, makeUser } from '../../factories/user.factory.js';
import { insertRun } from '../../utils/run-rows.js';
import { createTestDatabase, type TestDatabase } from '../../utils/test-database.js';

/** A database upgraded from before the outbox: the invitations its items recorded are carried into it. */
describe('the outbox migration on a database that already invited people', () => {
  let db: TestDatabase;

  beforeAll(async () => {
    db = await createTestDatabase();
  });
  afterAll(async () => db.drop());

  it('keeps sent invitations revocable and leaves failed or unsent ones for --resend-invites', async () => {
    const [sent, failed, unsent, notInvited] = await insertUsers(db.pool, [makeUser(), makeUser(), makeUser(), makeUser()]);
    const runId = await insertRun(db.pool, { strategy: 'invite' });
    const item = (user: { userId: string; email: string }, invitationStatus: string | null, invitationId: string | null) =>
      db.pool.query(
        `INSERT INTO migration_items (run_id, user_id, email, action, status, attempts, created_in_clerk, invitation_status, invitation_id)
         VALUES ($1, $2, $3, 'invite', 'created', 1, true, $4, $5)`,
        [runId, user.userId, user.email, invitationStatus, invitationId],
      );
    await item(sent, 'sent', 'inv_sent');
    await item(failed, 'failed', null);
    await item(unsent, 'pending', null);
    await item(notInvited, null, null);
    // As before the outbox: the table empty when its migration runs.
    await db.pool.query('DELETE FROM invitation_outbox');

    const runner = { query: async (sql: string, params?: unknown[]) => (await db.pool.query(sql, params)).rows } as unknown as QueryRunner;
    await new CreateInvitationOutbox1764000000013().up(runner);

    const { rows } = await db.pool.query('SELECT user_id, status, attempts, clerk_invitation_id, error_code FROM invitation_outbox');
    expect(rows).toHaveLength(3);
    expect(rows).toEqual(
      expect.arrayContaining([
        { user_id: sent.userId, status: 'sent', attempts: 0, clerk_invitation_id: 'inv_sent', error_code: null },
        { user_id: failed.userId, status: 'failed', attempts: 0, clerk_invitation_id: null, error_code: 'failed' },
        // Maybe sent before a crash: a resend asks Clerk first.
        { user_id: unsent.userId, status: 'failed', attempts: 1, clerk_invitation_id: null, error_code: 'uncertain' },
      ]),
    );
  });
});
