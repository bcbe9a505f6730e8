import { Inject, Injectable } from '@nestjs/common';
import { authConfig, type AuthConfig } from '../config/auth.config.js';
import { BoundedSemaphore, OverloadedError } from '../common/semaphore.js';
import { PasswordFormats } from '../passwords/password-formats.js';
import { DummyHash } from './dummy-hash.js';

/**
 * Password checks behind a class of our own. They run on libuv's thread pool, off the event loop, at
 * most `LEGACY_BCRYPT_CONCURRENCY` at once (otherwise a storm of logins fills every core and health
 * probes wait behind it), and at most `LOGIN_MAX_PENDING_CHECKS` running or waiting: past that a
 * login is refused at once with 503 and Retry-After, instead of joining a line that grows without end.
 */
@Injectable()
export class PasswordHasher {
  private readonly slots: BoundedSemaphore;

  constructor(
    @Inject(authConfig.KEY) config: AuthConfig,
    private readonly dummy: DummyHash,
    private readonly formats: PasswordFormats,
  ) {
    const busy = () => new OverloadedError('Too many logins are being checked right now; try again in a moment');
    this.slots = new BoundedSemaphore(config.bcryptConcurrency, config.passwordChecksMaxPending, busy);
  }

  /** Throws the 503 at once when a check could not be admitted now, so a refused login costs no query either. */
  assertRoom(): void {
    this.slots.assertRoom();
  }

  /** False for a wrong password and for a digest we cannot trust; never throws on bad input (only `OverloadedError`). */
  async verify(password: string, hash: string | null): Promise<boolean> {
    // Every format of src/passwords checks off the event loop, under the same bound, for real users
    // and the stand-in alike; a format's check never throws.
    if (this.formats.usable(hash)) return this.slots.run(() => this.formats.verify(password, hash));
    // Spend what checking a real user's password costs, so the answer does not tell which case this
    // was; the outcome of comparing against someone else's hash is thrown away.
    const standIn = await this.dummy.get();
    await this.slots.run(() => this.formats.verify(password, standIn));
    return false;
  }
}
