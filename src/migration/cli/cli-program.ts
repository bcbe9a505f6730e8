import { Injectable, type OnModuleInit } from '@nestjs/common';
import type { Command } from 'commander';
import { InjectCommander } from 'nest-commander';

/** Names the program in `--help` after the package's `bin`, not after the script file. */
@Injectable()
export class CliProgram implements OnModuleInit {
  constructor(@InjectCommander() private readonly program: Command) {}

  onModuleInit(): void {
    this.program
      .name('clerk-migrate')
      .description('Migrate legacy email-and-password users to Clerk. Every command takes --json and --help.')
      .showSuggestionAfterError(true);
  }
}
