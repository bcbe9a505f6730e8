import { cliLogLevel } from '../config/app.config.js';
import { StderrLogger } from '../logging/stderr-logger.js';

/** The CLI's logger, at `CLI_LOG_LEVEL` (warnings and errors by default): stdout stays the command's own. */
export function cliLogger(): StderrLogger {
  return new StderrLogger(cliLogLevel());
}
