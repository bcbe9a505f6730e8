import { Controller, Get, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { AuditQueryDto } from './audit-query.dto.js';
import { AuditPageResponseDto } from './audit-log-response.dto.js';
import { AuditService } from './audit.service.js';

@ApiTags('audit')
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
