import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Failed-login counters shared by every instance on the database (see `LoginThrottle`). The shape
 * is the one `rate-limiter-flexible`'s PostgreSQL store reads and writes (it is told the table
 * exists, so it never creates one), with `text` keys: an address and an email can outgrow 255.
 */
export class CreateLoginThrottle1764000000006 implements MigrationInterface {
  name = 'CreateLoginThrottle1764000000006';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE login_throttle (
        key TEXT PRIMARY KEY,
        points INTEGER NOT NULL DEFAULT 0,
        expire BIGINT
      )`);
    // The store's periodic clean-up deletes by expiry.
    await db.query('CREATE INDEX login_throttle_expire_idx ON login_throttle (expire)');
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query('DROP TABLE IF EXISTS login_throttle');
  }
}
