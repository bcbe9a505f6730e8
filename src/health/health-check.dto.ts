import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

const INDICATORS = { type: 'object', additionalProperties: { type: 'object', additionalProperties: true } } as const;

/** Terminus's body, passed through unchanged so that probes and dashboards read what they expect. */
export class HealthCheckDto {
  @ApiProperty({ enum: ['ok', 'error', 'shutting_down'] }) status: string;
  @ApiPropertyOptional({ ...INDICATORS, example: { database: { status: 'up' } }, description: 'The checks that passed' })
  info?: Record<string, unknown>;
  @ApiPropertyOptional({
    ...INDICATORS,
    example: { migrations: { status: 'down', message: 'pending schema migrations: …' } },
    description: 'The checks that failed',
  })
  error?: Record<string, unknown>;
  @ApiProperty({ ...INDICATORS, description: 'Every check' }) details: Record<string, unknown>;
}
