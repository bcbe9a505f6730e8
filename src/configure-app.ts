import type { INestApplication } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { SwaggerModule } from '@nestjs/swagger';
import type { NextFunction, Request, Response } from 'express';
import type { IncomingMessage } from 'node:http';
import helmet from 'helmet';
import { Logger } from 'nestjs-pino';
import { AllExceptionsFilter } from './common/all-exceptions.filter.js';
import { toErrorBody } from './common/error-body.js';
import { createValidationPipe } from './common/validation.pipe.js';
import type { AppConfig } from './config/app.config.js';
import type { AuthConfig } from './config/auth.config.js';
import { createOpenApiDocument } from './openapi.js';

/** Everything `main.ts` and the tests both need, so that tests exercise the app as it runs. */
export function configureApp(app: NestExpressApplication): INestApplication {
  // First, so that what Nest buffered during start-up and everything after goes out as JSON lines.
  app.useLogger(app.get(Logger));
  const config = app.get(ConfigService).getOrThrow<AppConfig>('app', { infer: true });
  const { trustProxy, corsOrigins } = app.get(ConfigService).getOrThrow<AuthConfig>('auth', { infer: true });
  // Off by default: a client could otherwise pick its own IP for the login throttle with X-Forwarded-For.
  app.set('trust proxy', trustProxy);
  // Security headers (nosniff, frame-ancestors, HSTS, no X-Powered-By, …) on every answer, errors included.
  // Helmet's policy, less `upgrade-insecure-requests`: over plain HTTP inside a network (the docs at
  // http://10.0.0.5:3000/docs) it makes the browser fetch the page's scripts over https, which fails,
  // and the docs page stays blank. Behind TLS the page's own origin is https anyway.
  app.use(helmet({ contentSecurityPolicy: { directives: { upgradeInsecureRequests: null } } }));
  // The product's front end calls from the browser; other origins get no Access-Control-Allow-Origin.
  app.enableCors({ origin: corsOrigins, credentials: true, maxAge: 600 });
  // Clerk's webhooks are verified on the exact bytes signed, so that route keeps its body raw (a Buffer);
  // the JSON parser then leaves the request alone.
  app.useBodyParser('raw', { type: isClerkWebhook, limit: config.bodyLimit });
  app.useBodyParser('json', { limit: config.bodyLimit });
  app.use(bodyParserErrorHandler);
  app.useGlobalPipes(createValidationPipe());
  app.useGlobalFilters(new AllExceptionsFilter());
  app.enableShutdownHooks();
  // Built on first request, so a start-up pays nothing for it; off with DOCS_ENABLED=false.
  if (config.docsEnabled) SwaggerModule.setup('docs', app, () => createOpenApiDocument(app));
  return app;
}

/** The route whose body stays raw: exactly `POST /webhooks/clerk` (a query string aside). */
function isClerkWebhook(req: IncomingMessage): boolean {
  return req.method === 'POST' && (req.url === '/webhooks/clerk' || req.url?.startsWith('/webhooks/clerk?') === true);
}

/** Body-parser errors (413, broken JSON) happen before Nest's filters; answer them in the same shape. */
export function bodyParserErrorHandler(error: unknown, _req: Request, res: Response, next: NextFunction): void {
  if (res.headersSent) return next(error);
  const body = toErrorBody(error);
  res.status(body.statusCode).json(body);
}
