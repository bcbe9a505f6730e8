import { AppError } from '../common/app-error.js';
import { SETUP_FAILURE_EXIT_CODE } from '../setup-failure.js';

export enum CliErrorCode {
  InvalidArgument = 'invalid_argument',
  ConfirmationRequired = 'confirmation_required',
  InvalidConfig = 'invalid_config',
}

/** Bad input on the command line: told apart from other failures by its exit code (2). */
export class CliUsageError extends AppError {
  constructor(message: string, code: CliErrorCode = CliErrorCode.InvalidArgument) {
    super(400, code, message);
  }
}

/** The CLI's exit codes; `clerk-migrate --help` explains them (see `EXIT_CODES_HELP`). */
export const ExitCode = { Ok: 0, Failed: 1, Usage: SETUP_FAILURE_EXIT_CODE, DatabaseUnavailable: 3, Busy: 4 } as const;

export const EXIT_CODES_HELP = `
Exit codes:
  0  done
  1  done, but not all went well: users failed (a run completed with errors),
     a run failed or was interrupted, verify found problems, invitations or
     Clerk deletions failed, no such run or user
  2  usage or configuration: unknown command or option, bad value, --yes
     missing, an invalid or missing environment variable, a database
     without the clerk-migrate schema (run db:migrate); nothing was done
  3  the database could not be reached or refused the connection; nothing
     was done
  4  busy: another run, rollback or clean-up holds the migration lock (the
     message says which); nothing was done, try again later
`;
