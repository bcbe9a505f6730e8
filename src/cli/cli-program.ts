import { Injectable, type OnModuleInit } from '@nestjs/common';
import type { Command } from 'commander';
import { InjectCommander } from 'nest-commander';
import { EXIT_CODES_HELP } from './cli-usage.error.js';
import { packageVersion } from './package-version.js';

const ENVIRONMENT_HELP = `
Environment (every variable is listed in .env.example):
  DATABASE_URL      the PostgreSQL to work on (unset: an embedded server under
                    .data/, or /var/lib/clerk-migrate/ as root; for development,
                    not in a production install)
  CLERK_SECRET_KEY  the Clerk instance's secret key (sk_live_… or sk_test_…)
  CLI_LOG_LEVEL     fatal, error, warn (default), info, debug (with stack
                    traces), trace or silent
`;

/** Names the program in `--help` after the package's `bin`, not after the script file, and documents it as a whole. */
@Injectable()
export class CliProgram implements OnModuleInit {
  constructor(@InjectCommander() private readonly program: Command) {}

  onModuleInit(): void {
    this.program
      .name('clerk-migrate')
      .description('Migrate legacy email-and-password users to Clerk. Every command takes --json and --help.')
      .version(packageVersion(), '-v, --version', 'print the version and exit')
      .addHelpText('after', `${EXIT_CODES_HELP}${ENVIRONMENT_HELP}`)
      .showSuggestionAfterError(true);
  }
}
