import { AppError } from '../../common/app-error.js';

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

/** Exit codes: 0 success, 1 the work failed (or finished with errors), 2 bad input. */
export const ExitCode = { Ok: 0, Failed: 1, Usage: 2 } as const;
