import { type ArgumentsHost, Catch, type ExceptionFilter, Inject } from '@nestjs/common';
import type { Response } from 'express';
import { toErrorBody } from '../common/error-body.js';
import { authConfig, type AuthConfig } from '../config/auth.config.js';
import { CONSOLE_CSP, consoleShellHtml, forbiddenHtml } from './console-page.js';

/**
 * The guard's refusals of `GET /console`, as pages: no session (or an expired one) gets the shell in
 * sign-in mode, with 200 like any sign-in page (it holds no data; a 401 document would also be a
 * console error in every browser); a non-admin gets 403 and nothing else. Anything else answers as the API does.
 */
@Catch()
export class ConsoleSignInFilter implements ExceptionFilter {
  constructor(@Inject(authConfig.KEY) private readonly auth: AuthConfig) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    const response = host.switchToHttp().getResponse<Response>();
    const body = toErrorBody(exception);
    response.setHeader('Content-Security-Policy', CONSOLE_CSP);
    response.setHeader('Cache-Control', 'no-store');
    if (body.statusCode === 401) {
      response
        .status(200)
        .type('html')
        .send(consoleShellHtml({ session: 'none', legacySignIn: this.auth.legacyEnabled }));
    } else if (body.statusCode === 403) {
      response.status(403).type('html').send(forbiddenHtml(body.code));
    } else {
      response.status(body.statusCode).json(body);
    }
  }
}
