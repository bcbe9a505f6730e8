import { Controller, Get, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiForbiddenResponse, ApiOkResponse, ApiOperation, ApiTags, ApiUnauthorizedResponse } from '@nestjs/swagger';
import { Roles } from '../common/auth.decorators.js';
import { ADMIN_ROLE } from '../common/principal.js';
import { AuditQueryDto } from './audit-query.dto.js';
import { AuditPageResponseDto } from './audit-log-response.dto.js';
import { AuditService } from './audit.service.js';

@ApiTags('audit')
@ApiBearerAuth()
@ApiUnauthorizedResponse({ description: 'No token, or a token that is not valid' })
@ApiForbiddenResponse({ description: 'The caller is not an admin' })
@Roles(ADMIN_ROLE)
@Controller('audit')
export class AuditController {
  constructor(private readonly audit: AuditService) {}

  @Get()
  @ApiOperation({ summary: 'Audit log, newest first, filtered by user, action, actor and time range' })
  @ApiOkResponse({ type: AuditPageResponseDto })
  async list(@Query() query: AuditQueryDto): Promise<AuditPageResponseDto> {
    return AuditPageResponseDto.from(await this.audit.list(query));
  }
}
