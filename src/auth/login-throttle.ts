import { Inject, Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { createHash } from 'node:crypto';
import { RateLimiterPostgres, type RateLimiterRes } from 'rate-limiter-flexible';
import { DataSource } from 'typeorm';
import { authConfig, type AuthConfig } from '../config/auth.config.js';
import { AuthError } from './auth.error.js';
import { throttleAddress } from './client-address.js';

/** How a login that held a reservation ended: only a wrong password (or unknown email) keeps counting. */
export type LoginOutcome = 'failure' | 'success' | 'no_verdict';

/** What the counters said when an attempt came in: failures so far, and this attempt on its (address, email). */
interface Counts {
  ip: RateLimiterRes | null;
  pair: RateLimiterRes;
  email: RateLimiterRes | null;
}

/**
 * Failed logins counted in PostgreSQL (`login_throttle`, through rate-limiter-flexible's store), so
 * every instance on the database shares one budget, in fixed windows of `LOGIN_WINDOW_SECONDS`:
 *
 * - per client address (an IPv6 client by its /64): stops one address from spraying guesses over many emails;
 * - per (address, email): stops one address from guessing one password;
 * - per email, across addresses: once a distributed attack passes it, an address that already failed
 *   for that email gets no more tries, while an address with no failure for it still gets one. So an
 *   attacker needs a fresh address per guess, and the owner, from their own address, is never shut out.
 *
 * Per address and per email, failures are read before the check and counted after it, so many people
 * behind one address signing in at once are never held back. Per (address, email) the attempt itself
 * is counted before the check, so parallel guesses at one password cannot all slip under the limit,
 * and given back when it was not a failure. Successes never count.
 */
@Injectable()
export class LoginThrottle {
  private readonly logger = new Logger(LoginThrottle.name);
  private readonly byIp: RateLimiterPostgres;
  private readonly byPair: RateLimiterPostgres;
  private readonly byEmail: RateLimiterPostgres;

  constructor(
    @InjectDataSource() dataSource: DataSource,
    @Inject(authConfig.KEY) private readonly config: AuthConfig,
  ) {
    const limiter = (keyPrefix: string, points: number, clearExpiredByTimeout = false) =>
      new RateLimiterPostgres({
        storeClient: dataSource,
        storeType: 'typeorm',
        // Created by migration 1764000000006: the schema changes only through migrations.
        tableName: 'login_throttle',
        tableCreated: true,
        keyPrefix,
        points,
        duration: config.loginWindowSeconds,
        // The three share the table: one of them sweeps expired rows (every five minutes) for all.
        clearExpiredByTimeout,
      });
    this.byIp = limiter('ip', config.loginMaxFailuresPerIp, true);
    this.byPair = limiter('ip_email', config.loginMaxFailuresPerIpEmail);
    this.byEmail = limiter('email', config.loginMaxFailuresPerEmail);
  }

  /** Counts the attempt, or throws a 429 `AuthError` with `Retry-After`; settle the result with `settle`. */
  async reserve(ip: string, email: string): Promise<LoginReservation> {
    const keys = keysOf(ip, email);
    const [byIp, byPair, byEmail] = await Promise.all([
      this.byIp.get(keys.ip),
      this.byPair.penalty(keys.pair),
      this.byEmail.get(keys.email),
    ]);
    const refusedBy = this.refusedBy({ ip: byIp, pair: byPair, email: byEmail });
    if (refusedBy) throw AuthError.tooManyAttempts(Math.max(1, Math.ceil(refusedBy.msBeforeNext / 1000)));
    return new LoginReservation((outcome) => this.settle(keys, outcome));
  }

  private refusedBy({ ip, pair, email }: Counts): RateLimiterRes | undefined {
    if (ip && ip.consumedPoints >= this.config.loginMaxFailuresPerIp) return ip;
    if (pair.consumedPoints > this.config.loginMaxFailuresPerIpEmail) return pair;
    // Under a distributed attack: only addresses that already tried this email are held back.
    if (email && email.consumedPoints >= this.config.loginMaxFailuresPerEmail && pair.consumedPoints > 1) return pair;
    return undefined;
  }

  private async settle(keys: ReturnType<typeof keysOf>, outcome: LoginOutcome): Promise<void> {
    try {
      if (outcome === 'failure') await Promise.all([this.byIp.penalty(keys.ip), this.byEmail.penalty(keys.email)]);
      // The owner got in from this address: whatever they mistyped before is forgiven.
      else if (outcome === 'success') await this.byPair.delete(keys.pair);
      else await this.byPair.reward(keys.pair);
    } catch (error) {
      // A counter off by one costs or grants one attempt at most; the login itself must not fail for it.
      this.logger.warn(`could not settle login throttle counters: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
}

/** One counted attempt; `settle` tells the throttle how it ended (at most once). */
export class LoginReservation {
  private settled = false;

  constructor(private readonly onSettle: (outcome: LoginOutcome) => Promise<void>) {}

  async settle(outcome: LoginOutcome): Promise<void> {
    if (this.settled) return;
    this.settled = true;
    await this.onSettle(outcome);
  }
}

/** Emails go in as a digest: the table holds no address book, and keys stay short. */
function keysOf(ip: string, email: string) {
  const client = throttleAddress(ip);
  const digest = createHash('sha256').update(email.trim().toLowerCase()).digest('base64url').slice(0, 22);
  return { ip: client, pair: `${client}|${digest}`, email: digest };
}
