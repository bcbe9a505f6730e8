import { Inject, Injectable } from '@nestjs/common';
import { hash as bcryptHash, verify as bcryptVerify } from '@node-rs/bcrypt';
import { authConfig, type AuthConfig } from '../config/auth.config.js';
import { Semaphore } from '../common/semaphore.js';
import { detectPasswordFormat } from '../passwords/password-formats.js';

/**
 * bcrypt behind a class of our own. Comparisons run on libuv's thread pool, off the event loop, and
 * at most `LEGACY_BCRYPT_CONCURRENCY` at once: otherwise a storm of logins fills every core and
 * health probes wait behind it.
 */
@Injectable()
export class PasswordHasher {
  private dummyHash?: Promise<string>;
  private readonly slots: Semaphore;

  constructor(@Inject(authConfig.KEY) private readonly config: AuthConfig) {
    this.slots = new Semaphore(config.bcryptConcurrency);
  }

  /** False for a wrong password and for a digest we cannot trust; never throws on bad input. */
  async verify(password: string, hash: string | null): Promise<boolean> {
    const format = detectPasswordFormat(hash);
    if (hash === null || !format) {
      // Spend the same time as a real comparison, so the answer does not tell which case this was.
      const dummy = await this.dummy();
      await this.slots.run(() => bcryptVerify(password, dummy).catch(() => false));
      return false;
    }
    // Every format of src/passwords checks off the event loop, under the same bound as bcrypt.
    return this.slots.run(() => format.verify(password, hash));
  }

  private dummy(): Promise<string> {
    this.dummyHash ??= bcryptHash('no password matches this dummy', this.config.dummyHashCost);
    return this.dummyHash;
  }
}
