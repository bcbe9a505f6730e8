import { Controller, Get, Inject, UseFilters } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiServiceUnavailableResponse, ApiTags } from '@nestjs/swagger';
import { HealthCheck, HealthCheckService, HealthIndicatorService } from '@nestjs/terminus';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { databaseConfig, type DatabaseConfig } from '../config/database.config.js';
import { pendingSchemaMigrations } from '../database/data-source.js';
import { Public } from '../common/public.decorator.js';
import { ApiErrors } from '../common/api-errors.js';
import { HealthCheckDto } from './health-check.dto.js';
import { HealthCheckFilter } from './health-check.filter.js';

/** Any route answers 400 to a body that is not JSON: the body parser runs before routing. */
const NOT_JSON: [number, string] = [400, 'The request carried a body that is not valid JSON (invalid_json)'];

/** Terminus's own OpenAPI answers are left out: ours carry the same body, as a named schema. */
const OWN_DOCS = { noCache: true, swaggerDocumentation: false };

@ApiTags('health')
@Public()
@UseFilters(HealthCheckFilter)
@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly indicators: HealthIndicatorService,
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(databaseConfig.KEY) private readonly config: DatabaseConfig,
  ) {}

  @Get('live')
  @HealthCheck(OWN_DOCS)
  @ApiOperation({ summary: 'Liveness: the process is up (no I/O)', security: [] })
  @ApiOkResponse({ type: HealthCheckDto, description: 'Up' })
  @ApiErrors(NOT_JSON)
  live() {
    return this.health.check([() => this.indicators.check('process').up({ uptimeSeconds: Math.round(process.uptime()) })]);
  }

  @Get('ready')
  @HealthCheck(OWN_DOCS)
  @ApiOperation({ summary: 'Readiness: the database answers and every schema migration is applied; 503 otherwise', security: [] })
  @ApiOkResponse({ type: HealthCheckDto, description: 'Ready to serve' })
  @ApiServiceUnavailableResponse({
    type: HealthCheckDto,
    description: 'The database is down or a schema migration is pending; the body says which',
  })
  @ApiErrors(NOT_JSON)
  ready() {
    return this.health.check([
      () =>
        this.indicators
          .check('database')
          .attempt(async () => {
            await this.dataSource.query('SELECT 1');
          })
          .withTimeout(this.config.pingTimeoutMs),
      () =>
        this.indicators
          .check('migrations')
          .attempt(async () => {
            const pending = await pendingSchemaMigrations(this.dataSource);
            if (pending.length > 0) throw new Error(`pending schema migrations: ${pending.join(', ')}`);
          })
          .withTimeout(this.config.pingTimeoutMs),
    ]);
  }
}
