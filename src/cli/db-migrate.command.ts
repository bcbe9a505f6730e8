import { Command, Help } from 'nest-commander';
import { CliCoreContext } from './cli-core.context.js';
import type { CommandResult } from './cli-output.js';
import { CliCommand, examples } from './cli.command.js';

@Command({
  name: 'db:migrate',
  description:
    'Apply pending schema migrations (DATABASE_URL, or the embedded PostgreSQL); adopts an existing users table without touching its rows',
})
export class DbMigrateCommand extends CliCommand {
  constructor(private readonly core: CliCoreContext) {
    super();
  }

  @Help('after')
  help(): string {
    return examples('db:migrate', 'db:migrate --json');
  }

  protected async execute(): Promise<CommandResult> {
    const applied = await this.core.migrateDatabase();
    const text =
      applied.length === 0
        ? 'The schema is up to date; no migration applied.'
        : `Applied:\n${applied.map((name) => `  ${name}`).join('\n')}`;
    return { json: { applied }, text };
  }
}
