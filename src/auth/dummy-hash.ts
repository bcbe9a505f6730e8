import { Inject, Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { hash as bcryptHash } from '@node-rs/bcrypt';
import { authConfig, type AuthConfig } from '../config/auth.config.js';
import { PasswordFormats } from '../passwords/password-formats.js';
import { UsersService } from '../users/users.service.js';

/** Enough hashes to see the typical cost class; the read stays small on any table. */
const SAMPLE_SIZE = 500;
/** Hash costs change when the product rehashes or an operator cleans up; this follows them. */
const REFRESH_MS = 10 * 60_000;

/**
 * One hash of the most common cost class among `hashes`, or undefined when none is of a known format.
 * Only those: a hash we cannot verify is refused at once, and would cost a login nothing.
 */
export function typicalHash(hashes: string[], formats: PasswordFormats): string | undefined {
  const byCost = new Map<string, { count: number; example: string }>();
  for (const hash of hashes) {
    const costClass = formats.costClass(hash);
    if (costClass === undefined) continue;
    const seen = byCost.get(costClass) ?? { count: 0, example: hash };
    seen.count += 1;
    byCost.set(costClass, seen);
  }
  let best: { count: number; example: string } | undefined;
  for (const candidate of byCost.values()) if (!best || candidate.count > best.count) best = candidate;
  return best?.example;
}

/**
 * The hash a login for an unknown email (or a user without a usable hash) is checked against, so that
 * it costs what checking a real user's password costs: one of the product's own stored hashes, of the
 * most common cost class in a sample read at start and every ten minutes. The answer of that check is
 * always thrown away. Only while the table holds no hash of a known format is a bcrypt hash made up instead, at
 * `LEGACY_DUMMY_HASH_COST`.
 */
@Injectable()
export class DummyHash implements OnApplicationBootstrap {
  private readonly logger = new Logger(DummyHash.name);
  private sampled?: string;
  private madeUp?: Promise<string>;
  private sampledAt = 0;
  private sampling?: Promise<void>;

  constructor(
    private readonly users: UsersService,
    @Inject(authConfig.KEY) private readonly config: AuthConfig,
    private readonly formats: PasswordFormats,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.refresh();
  }

  async get(): Promise<string> {
    // In the background: a login never waits for the sample.
    if (Date.now() - this.sampledAt > REFRESH_MS) void this.refresh();
    if (this.sampled !== undefined) return this.sampled;
    this.madeUp ??= bcryptHash('no password matches this stand-in', this.config.dummyHashCost);
    return this.madeUp;
  }

  private refresh(): Promise<void> {
    this.sampling ??= this.sample().finally(() => (this.sampling = undefined));
    return this.sampling;
  }

  private async sample(): Promise<void> {
    try {
      this.sampled = typicalHash(await this.users.samplePasswordHashes(SAMPLE_SIZE), this.formats) ?? this.sampled;
    } catch (error) {
      this.logger.warn(`could not sample stored password hashes: ${error instanceof Error ? error.message : String(error)}`);
    } finally {
      this.sampledAt = Date.now();
    }
  }
}
