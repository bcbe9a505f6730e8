import { Inject, Injectable } from '@nestjs/common';
import { hash as bcryptHash, verify as bcryptVerify } from '@node-rs/bcrypt';
import { authConfig, type AuthConfig } from '../config/auth.config.js';
import { isSupportedBcryptHash } from '../common/bcrypt-format.js';

/**
 * bcrypt behind a class of our own. Both calls run on libuv's thread pool, so a storm of logins
 * does not block the event loop that answers health probes.
 */
@Injectable()
export class PasswordHasher {
  private dummyHash?: Promise<string>;

  constructor(@Inject(authConfig.KEY) private readonly config: AuthConfig) {}

  /** False for a wrong password and for a digest we cannot trust; never throws on bad input. */
  async verify(password: string, hash: string | null): Promise<boolean> {
    if (!isSupportedBcryptHash(hash)) {
      // Spend the same time as a real comparison, so the answer does not tell which case this was.
      await bcryptVerify(password, await this.dummy()).catch(() => false);
      return false;
    }
    return bcryptVerify(password, hash).catch(() => false);
  }

  private dummy(): Promise<string> {
    this.dummyHash ??= bcryptHash('no password matches this dummy', this.config.dummyHashCost);
    return this.dummyHash;
  }
}
