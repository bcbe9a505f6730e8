import { Controller, Get, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, Max, Min } from 'class-validator';
import { ApiAdmin, ApiErrors } from '../common/api-errors.js';
import { Roles } from '../common/auth.decorators.js';
import { ADMIN_ROLE } from '../common/principal.js';
import { ConsoleActivityService } from './console-activity.service.js';
import { ActivityDto } from './console-activity.dto.js';

export class ActivityQueryDto {
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(14)
  days: number = 3;
}

/** The figures the console shows that no other endpoint gives. */
@ApiTags('console')
@ApiAdmin()
@Roles(ADMIN_ROLE)
@Controller('console/api')
export class ConsoleApiController {
  constructor(private readonly activity: ConsoleActivityService) {}

  @Get('activity')
  @ApiOperation({
    summary: 'Sign-ins (legacy and first Clerk ones), refusals, and users migrated and rolled back, per hour, from the audit log',
  })
  @ApiOkResponse({ type: ActivityDto })
  @ApiErrors([400, 'days out of range, 1 to 14 (validation_failed)'])
  getActivity(@Query() query: ActivityQueryDto) {
    return this.activity.activity(query.days);
  }
}
