import { type MiddlewareConsumer, Module, type NestModule, RequestMethod } from '@nestjs/common';
import { ALL_ROUTES, HttpMetricsMiddleware } from './http-metrics.middleware.js';
import { MetricsController } from './metrics.controller.js';
import { MetricsModule } from './metrics.module.js';

/** What the HTTP service adds: `GET /metrics` and the latency of every request. */
@Module({
  imports: [MetricsModule],
  controllers: [MetricsController],
  providers: [HttpMetricsMiddleware],
})
export class MetricsHttpModule implements NestModule {
  configure(consumer: MiddlewareConsumer): void {
    consumer.apply(HttpMetricsMiddleware).forRoutes({ path: ALL_ROUTES, method: RequestMethod.ALL });
  }
}
