import { Injectable, type NestMiddleware } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';
import { MetricsService } from './metrics.service.js';

/** The pattern this middleware is mounted on; a request that matched no controller route still carries it. */
export const ALL_ROUTES = '{/*splat}';

/**
 * Times every request, those a guard or a 404 ends included (an interceptor would miss them).
 * The label is the route's pattern, not the URL, so that ids in paths do not grow the series.
 */
@Injectable()
export class HttpMetricsMiddleware implements NestMiddleware {
  constructor(private readonly metrics: MetricsService) {}

  use(request: Request, response: Response, next: NextFunction): void {
    const started = process.hrtime.bigint();
    response.once('finish', () => {
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      this.metrics.httpRequest(request.method, routePattern(request), response.statusCode, seconds);
    });
    next();
  }
}

function routePattern(request: Request): string {
  const path: unknown = request.route?.path;
  return typeof path === 'string' && path !== ALL_ROUTES ? `${request.baseUrl}${path}` : 'unmatched';
}
