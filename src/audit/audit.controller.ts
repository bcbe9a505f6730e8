import { Controller, Get, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiAdmin, ApiErrors } from '../common/api-errors.js';
import { Roles } from '../common/auth.decorators.js';
import { ADMIN_ROLE } from '../common/principal.js';
import { AuditQueryDto } from './audit-query.dto.js';
import { AuditPageResponseDto } from './audit-log-response.dto.js';
import { AuditService } from './audit.service.js';

@ApiTags('audit')
@ApiAdmin()
@Roles(ADMIN_ROLE)
@Controller('audit')
export class AuditController {
  constructor(private readonly audit: AuditService) {}

  @Get()
  @ApiOperation({ summary: 'Audit log, newest first, filtered by user, action, actor and time range' })
  @ApiOkResponse({ type: AuditPageResponseDto })
  @ApiErrors([400, 'A filter is not valid: a bad date or UUID, a value too long, limit or offset out of range (validation_failed)'])
  async list(@Query() query: AuditQueryDto): Promise<AuditPageResponseDto> {
    return AuditPageResponseDto.from(await this.audit.list(query));
  }
}
