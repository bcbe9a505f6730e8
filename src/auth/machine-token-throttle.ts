import { Inject, Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { RateLimiterPostgres } from 'rate-limiter-flexible';
import { DataSource } from 'typeorm';
import { authConfig, type AuthConfig } from '../config/auth.config.js';
import { AuthError } from './auth.error.js';
import { throttleAddress } from './client-address.js';

/**
 * Refused API keys and M2M tokens counted per client address like failed logins (same table, same
 * limit `LOGIN_MAX_FAILURES_PER_IP` per `LOGIN_WINDOW_SECONDS`, a key prefix of their own), so that
 * every instance shares the count: an address that sprays made-up `ak_…` strings is stopped before
 * its guesses reach Clerk. Only tokens Clerk has not judged yet are held back; a key that works, or
 * whose verdict is remembered, costs nothing here.
 */
@Injectable()
export class MachineTokenThrottle {
  private readonly logger = new Logger(MachineTokenThrottle.name);
  private readonly byIp: RateLimiterPostgres;

  constructor(
    @InjectDataSource() dataSource: DataSource,
    @Inject(authConfig.KEY) private readonly config: AuthConfig,
  ) {
    this.byIp = new RateLimiterPostgres({
      storeClient: dataSource,
      storeType: 'typeorm',
      tableName: 'login_throttle',
      tableCreated: true,
      keyPrefix: 'machine_ip',
      points: config.loginMaxFailuresPerIp,
      duration: config.loginWindowSeconds,
      // `LoginThrottle` sweeps the shared table.
      clearExpiredByTimeout: false,
    });
  }

  /** A 429 with Retry-After when this address has had too many tokens refused in the window. */
  async assertAllowed(ip: string): Promise<void> {
    const res = await this.byIp.get(throttleAddress(ip));
    if (res && res.consumedPoints >= this.config.loginMaxFailuresPerIp) {
      throw AuthError.tooManyAttempts(Math.max(1, Math.ceil(res.msBeforeNext / 1000)), 'refused tokens from this address');
    }
  }

  async refused(ip: string): Promise<void> {
    try {
      await this.byIp.penalty(throttleAddress(ip));
    } catch (error) {
      // One uncounted refusal grants one guess at most; the answer itself must not fail for it.
      this.logger.warn(`could not count a refused machine token: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
}
