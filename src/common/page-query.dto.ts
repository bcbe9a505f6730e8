import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, Max, Min } from 'class-validator';

/** The furthest a listing may skip; beyond it, keyset filters (time range, user) are the way. */
const MAX_OFFSET = 10_000_000;

/** `limit`/`offset` query parameters with a listing's own default and ceiling. */
export function PageQuery(bounds: { defaultLimit: number; maxLimit: number }) {
  class PageQueryBase {
    @ApiPropertyOptional({ type: 'integer', default: bounds.defaultLimit, minimum: 1, maximum: bounds.maxLimit })
    @IsOptional()
    @Type(() => Number)
    @IsInt()
    @Min(1)
    @Max(bounds.maxLimit)
    limit: number = bounds.defaultLimit;

    @ApiPropertyOptional({ type: 'integer', default: 0, minimum: 0, maximum: MAX_OFFSET })
    @IsOptional()
    @Type(() => Number)
    @IsInt()
    @Min(0)
    @Max(MAX_OFFSET)
    offset: number = 0;
  }
  return PageQueryBase;
}
