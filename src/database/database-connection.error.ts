import { AppError } from '../common/app-error.js';

const DATABASE_UNAVAILABLE = 'database_unavailable';

/** Could not open a connection to PostgreSQL; says where it tried (never with the password) and what to fix. */
export class DatabaseUnavailableError extends AppError {
  constructor(
    message: string,
    /** A refusal (unknown database, wrong password, no privilege): trying again will not help. */
    readonly permanent: boolean,
    details: Record<string, unknown>,
    options: { cause: unknown },
  ) {
    super(503, DATABASE_UNAVAILABLE, message, details);
    this.cause = options.cause;
  }
}

interface Explanation {
  reason: string;
  fix: string;
  permanent?: boolean;
}

interface Target {
  host: string;
  port: string;
  database: string;
  user: string;
}

const CHECK_ADDRESS =
  'check the host and port in DATABASE_URL, and that PostgreSQL runs there and accepts TCP connections from this machine';

/** What each failure of a first connection means, by Node's or PostgreSQL's error code. */
function explain(code: string, message: string, at: Target): Explanation | undefined {
  const where = `${at.host}:${at.port}`;
  switch (code) {
    case 'ECONNREFUSED':
      return { reason: `nothing accepts connections at ${where}`, fix: CHECK_ADDRESS };
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return { reason: `the host name "${at.host}" does not resolve`, fix: 'check the host in DATABASE_URL' };
    case 'ETIMEDOUT':
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
      return { reason: `${where} cannot be reached from this machine (${code})`, fix: `${CHECK_ADDRESS} (a firewall may drop them)` };
    case 'ECONNRESET':
      return { reason: `${where} closed the connection`, fix: CHECK_ADDRESS };
    case '57P03':
      return { reason: `the server at ${where} is starting up or shutting down`, fix: 'try again in a moment' };
    case '28P01':
    case '28000':
      return { reason: message, fix: `check the user ("${at.user}") and password in DATABASE_URL`, permanent: true };
    case '3D000':
      return { reason: message, fix: `create the database "${at.database}", or correct its name in DATABASE_URL`, permanent: true };
    case '42501':
      return {
        reason: message,
        fix: `grant "${at.user}" the right to connect to "${at.database}", or use another user in DATABASE_URL`,
        permanent: true,
      };
    default:
      // node-postgres's own connection timeout carries no code.
      if (/timeout/i.test(message))
        return { reason: `${where} did not answer in time`, fix: `${CHECK_ADDRESS} (a firewall may drop them)` };
      // What node-postgres says when the other end hangs up mid-handshake: most often a service that is
      // not PostgreSQL (an HTTP server, a proxy with no backend) listens on that port.
      if (/Connection terminated unexpectedly/i.test(message))
        return {
          reason: `${where} accepted the connection and closed it without answering as PostgreSQL does`,
          fix: "check that the host and port in DATABASE_URL are PostgreSQL's, not another service's, and that its server log shows no refusal",
        };
      return undefined;
  }
}

/** Where a connection URL points, without its password; `?` for what cannot be read. */
export function targetOf(url: string): Target {
  try {
    const parsed = new URL(url);
    return {
      host: parsed.hostname || 'localhost',
      port: parsed.port || '5432',
      database: decodeURIComponent(parsed.pathname.replace(/^\//, '')) || 'postgres',
      user: decodeURIComponent(parsed.username) || 'postgres',
    };
  } catch {
    return { host: '?', port: '?', database: '?', user: '?' };
  }
}

/**
 * Turns the failure of a first connection into an error that names the server, the database and
 * DATABASE_URL, and says what to fix. Anything else is returned as it was.
 */
export function explainConnectionFailure(error: unknown, url: string): unknown {
  if (!(error instanceof Error) || error instanceof DatabaseUnavailableError) return error;
  const code = String((error as { code?: unknown }).code ?? '');
  const at = targetOf(url);
  const explanation = explain(code, error.message, at);
  if (!explanation) return error;
  const server = `PostgreSQL at ${at.host}:${at.port}, database "${at.database}" (DATABASE_URL)`;
  const message = `cannot connect to ${server}: ${explanation.reason}; ${explanation.fix}`;
  return new DatabaseUnavailableError(
    message,
    explanation.permanent ?? false,
    { host: at.host, port: at.port, database: at.database },
    { cause: error },
  );
}
