import { Module } from '@nestjs/common';
import { CliCoreContext } from './migration/cli/cli-core.context.js';
import { CliProgram } from './migration/cli/cli-program.js';
import { CleanupPasswordsCommand } from './migration/cli/cleanup-passwords.command.js';
import { DbMigrateCommand } from './migration/cli/db-migrate.command.js';
import { MigrateCommand } from './migration/cli/migrate.command.js';
import { RollbackCommand } from './migration/cli/rollback.command.js';
import { RunsCommand } from './migration/cli/runs.command.js';
import { StatsCommand } from './migration/cli/stats.command.js';
import { VerifyCommand } from './migration/cli/verify.command.js';

/**
 * The CLI's root: its commands, and the core they run on, booted only when a command needs it
 * (see `CliCoreContext`). It imports no HTTP module.
 */
@Module({
  providers: [
    CliProgram,
    CliCoreContext,
    StatsCommand,
    MigrateCommand,
    RunsCommand,
    RollbackCommand,
    CleanupPasswordsCommand,
    VerifyCommand,
    DbMigrateCommand,
  ],
})
export class CliModule {}
