import { Inject, Injectable } from '@nestjs/common';
import { ClerkGateway } from '../clerk/clerk.gateway.js';
import { clerkConfig, type ClerkConfig } from '../config/clerk.config.js';

/**
 * Clerk caps a development instance (the one an `sk_test_` key opens) at 100 users: "Development
 * instances have a 100 users cap" (Clerk docs, Managing environments). Past it, creates fail.
 */
const DEVELOPMENT_INSTANCE_USER_CAP = 100;

/** Something an operator should read before going on; the run or plan itself is not refused. */
export interface MigrationWarning {
  code: 'development_instance_user_cap';
  message: string;
  cap: number;
  clerkUsers: number;
  newAccounts: number;
}

/** Says, before the creates fail one by one, that a plan will not fit in a development instance. */
@Injectable()
export class DevelopmentInstanceCap {
  constructor(
    private readonly clerk: ClerkGateway,
    @Inject(clerkConfig.KEY) private readonly config: ClerkConfig,
  ) {}

  /** One Clerk request (the user count), and only with an `sk_test_` key and accounts to create. */
  async check(newAccounts: number, upTo = false): Promise<MigrationWarning[]> {
    if (!this.config.secretKey?.startsWith('sk_test_') || newAccounts === 0) return [];
    // Advisory only: if Clerk cannot be asked now, the run itself will say why soon enough.
    const clerkUsers = await this.clerk.countUsers().catch(() => undefined);
    if (clerkUsers === undefined) return [];
    if (clerkUsers + newAccounts <= DEVELOPMENT_INSTANCE_USER_CAP) return [];
    const over = clerkUsers + newAccounts - DEVELOPMENT_INSTANCE_USER_CAP;
    return [
      {
        code: 'development_instance_user_cap',
        message:
          `CLERK_SECRET_KEY opens a development instance (sk_test_), which holds at most ${DEVELOPMENT_INSTANCE_USER_CAP} users: ` +
          `it has ${clerkUsers} and this plan creates ${upTo ? 'up to ' : ''}${newAccounts}, ${upTo ? 'up to ' : ''}${over} too many. ` +
          'Use the production instance (sk_live_), or --limit.',
        cap: DEVELOPMENT_INSTANCE_USER_CAP,
        clerkUsers,
        newAccounts,
      },
    ];
  }
}
