import { type ArgumentsHost, Catch, type ExceptionFilter, Logger } from '@nestjs/common';
import type { Response } from 'express';
import { AppError } from './app-error.js';
import { toErrorBody } from './error-body.js';

/** Every error leaves the API as `{ statusCode, error, message, code }`. */
@Catch()
export class AllExceptionsFilter implements ExceptionFilter {
  private readonly logger = new Logger('HttpError');

  catch(exception: unknown, host: ArgumentsHost): void {
    const body = toErrorBody(exception);
    if (body.statusCode >= 500 && exception instanceof AppError) {
      // A failure we named (overloaded, Clerk unavailable): its code says it all, and under a flood of
      // them formatting a stack for each would only add to the load.
      this.logger.warn(`${body.code}: ${body.message}`);
    } else if (body.statusCode >= 500) {
      // The stack goes to the log; the client only learns that something failed.
      this.logger.error(exception instanceof Error ? (exception.stack ?? exception.message) : String(exception));
    }
    const response = host.switchToHttp().getResponse<Response>();
    const retryAfter = (exception as { retryAfterSeconds?: number }).retryAfterSeconds;
    if (retryAfter !== undefined) response.setHeader('Retry-After', String(Math.ceil(retryAfter)));
    response.status(body.statusCode).json(body);
  }
}
