import { once } from 'node:events';
import { Controller, Get, Param, ParseUUIDPipe, Query, Res } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiParam, ApiProduces, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, Max, Min } from 'class-validator';
import type { Response } from 'express';
import { ITEM_FORMATS, itemLines, type ItemFormat } from '../cli/item-export.js';
import { MigrationService } from '../migration/migration.service.js';
import { ApiAdmin, ApiErrors } from '../common/api-errors.js';
import { Roles } from '../common/auth.decorators.js';
import { ADMIN_ROLE } from '../common/principal.js';
import { ConsoleActivityService } from './console-activity.service.js';
import { ConsoleFiguresRepository } from './console-figures.repository.js';
import { ActivityDto, LockHoldersDto, MoveFiguresDto, UserCountsDto } from './console-activity.dto.js';

export class ActivityQueryDto {
  @ApiPropertyOptional({ type: 'integer', default: 3, minimum: 1, maximum: 14, description: 'The window, in days back from now' })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(14)
  days: number = 3;
}

export class ExportQueryDto {
  @ApiPropertyOptional({ enum: ITEM_FORMATS, default: 'csv' })
  @IsOptional()
  @IsIn(ITEM_FORMATS)
  format: ItemFormat = 'csv';
}

const CONTENT_TYPES: Record<ItemFormat, string> = { csv: 'text/csv; charset=utf-8', jsonl: 'application/x-ndjson; charset=utf-8' };

/** The figures the console shows that no other endpoint gives. */
@ApiTags('console')
@ApiAdmin()
@Roles(ADMIN_ROLE)
@Controller('console/api')
export class ConsoleApiController {
  constructor(
    private readonly activity: ConsoleActivityService,
    private readonly migration: MigrationService,
    private readonly figures: ConsoleFiguresRepository,
  ) {}

  @Get('counts')
  @ApiOperation({
    summary: 'The users’ counts of GET /migration/stats without the count by password format: for a page that asks every few seconds',
  })
  @ApiOkResponse({ type: UserCountsDto })
  getCounts() {
    return this.migration.userCounts();
  }

  @Get('figures')
  @ApiOperation({
    summary:
      'Those invited and not yet signed in, and the legacy users reported invalid by reason: figures that move only as runs end and people sign in',
  })
  @ApiOkResponse({ type: MoveFiguresDto })
  async getFigures(): Promise<MoveFiguresDto> {
    const [invitedNotSignedIn, invalidByReason] = await Promise.all([this.figures.invitedNotSignedIn(), this.figures.invalidByReason()]);
    return { invitedNotSignedIn, invalidByReason };
  }

  @Get('lock')
  @ApiOperation({ summary: 'Who holds the migration lock (a run, a rollback, a clean-up) and since when; an empty list when it is free' })
  @ApiOkResponse({ type: LockHoldersDto })
  async getLock(): Promise<LockHoldersDto> {
    return { holders: await this.migration.lockHolders() };
  }

  @Get('activity')
  @ApiOperation({
    summary: 'Sign-ins (legacy and first Clerk ones), refusals, and users migrated and rolled back, per hour, from the audit log',
  })
  @ApiOkResponse({ type: ActivityDto })
  @ApiErrors([400, 'days out of range, 1 to 14 (validation_failed)'])
  getActivity(@Query() query: ActivityQueryDto) {
    return this.activity.activity(query.days);
  }

  /** The CLI's `runs <id> --items --format csv|jsonl` over HTTP, streamed a thousand items at a time. */
  @Get('runs/:id/export')
  @ApiOperation({ summary: 'Every user of a run as CSV or JSONL (the columns of runs <id> --items), as a download' })
  @ApiParam({ name: 'id', format: 'uuid' })
  @ApiProduces('text/csv', 'application/x-ndjson')
  @ApiOkResponse({ description: 'The items, one per line, CSV with a header row', schema: { type: 'string' } })
  @ApiErrors([400, 'The id is not a UUID, or format is not csv or jsonl (validation_failed)'], [404, 'No run with this id (run_not_found)'])
  async exportItems(
    @Param('id', new ParseUUIDPipe()) id: string,
    @Query() query: ExportQueryDto,
    @Res() response: Response,
  ): Promise<void> {
    const items = await this.migration.streamRunItems(id);
    response.setHeader('Content-Type', CONTENT_TYPES[query.format]);
    response.setHeader('Content-Disposition', `attachment; filename="run-${id}-items.${query.format}"`);
    try {
      for await (const line of itemLines(items, query.format)) {
        if (!response.write(line)) await once(response, 'drain');
      }
      response.end();
    } catch (error) {
      // Too late for an error body: a cut download is how the client learns it is incomplete.
      response.destroy(error as Error);
    }
  }
}
