import { Body, Controller, Get, HttpCode, Post, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiAdmin, ApiErrors, ApiJsonBody } from '../common/api-errors.js';
import { CurrentPrincipal, Roles } from '../common/auth.decorators.js';
import { ADMIN_ROLE, type Principal } from '../common/principal.js';
import { DeletedAtClerkPageDto, DeletedAtClerkQueryDto, SyncReportDto, SyncRequestDto } from './sync.dto.js';
import { SyncService } from './sync.service.js';

@ApiTags('sync')
@ApiAdmin()
@Roles(ADMIN_ROLE)
@Controller('sync')
export class SyncController {
  constructor(private readonly sync: SyncService) {}

  @Post()
  @HttpCode(200)
  @ApiOperation({
    summary: 'Bring users in step with Clerk now (what webhooks missed); answers when the pass is done',
    description:
      'Pages through every Clerk account within the shared budget: provisions the missing (CLERK_SIGN_UPS=provision), links ' +
      'unlinked legacy users by the sign-in rules, follows email, name and public_metadata.role, marks linked rows whose ' +
      'account is gone (each confirmed by a look-up) deleted at Clerk, and retries owed external_id updates.',
  })
  @ApiOkResponse({ type: SyncReportDto })
  @ApiJsonBody()
  @ApiErrors([409, 'Another sync is in progress (sync_in_progress)'], 502, 503)
  run(@Body() body: SyncRequestDto, @CurrentPrincipal() admin: Principal): Promise<SyncReportDto> {
    return this.sync.run({ actor: admin.userId, dryRun: body.dryRun });
  }

  @Get('deleted-at-clerk')
  @ApiOperation({ summary: 'People whose Clerk account was deleted at Clerk: rows kept, for the product to apply its retention policy' })
  @ApiOkResponse({ type: DeletedAtClerkPageDto })
  @ApiErrors([400, 'limit or offset out of range (validation_failed)'])
  async deletedAtClerk(@Query() query: DeletedAtClerkQueryDto): Promise<DeletedAtClerkPageDto> {
    const page = await this.sync.listDeletedAtClerk(query);
    return { ...page, limit: query.limit, offset: query.offset };
  }
}
