import { Module } from '@nestjs/common';
import { CliCoreContext } from './cli-core.context.js';
import { CliProgram } from './cli-program.js';
import { CleanupPasswordsCommand } from './cleanup-passwords.command.js';
import { DbMigrateCommand } from './db-migrate.command.js';
import { DeletedAtClerkCommand } from './deleted-at-clerk.command.js';
import { MigrateCommand } from './migrate.command.js';
import { RollbackCommand } from './rollback.command.js';
import { RunsCommand } from './runs.command.js';
import { StatsCommand } from './stats.command.js';
import { SyncCommand } from './sync.command.js';
import { VerifyCommand } from './verify.command.js';

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
    SyncCommand,
    DeletedAtClerkCommand,
    DbMigrateCommand,
  ],
})
export class CliModule {}
