import { Body, Controller, Get, HttpCode, Param, ParseUUIDPipe, Post, Query } from '@nestjs/common';
import { ApiAcceptedResponse, ApiBearerAuth, ApiConflictResponse, ApiForbiddenResponse, ApiOkResponse, ApiOperation, ApiTags, ApiUnauthorizedResponse } from '@nestjs/swagger';
import { CurrentPrincipal, Roles } from '../common/auth.decorators.js';
import { ADMIN_ROLE, type Principal } from '../common/principal.js';
import { CleanupRequestDto, MigrateRequestDto, MigrationRunDto, PageQueryDto, RollbackRequestDto, StartedRunDto } from './migration.dto.js';
import { MigrationService } from './migration.service.js';

@ApiTags('migration')
@ApiBearerAuth()
@ApiUnauthorizedResponse({ description: 'No token, or a token that is not valid' })
@ApiForbiddenResponse({ description: 'The caller is not an admin' })
@Roles(ADMIN_ROLE)
@Controller('migration')
export class MigrationController {
  constructor(private readonly migration: MigrationService) {}

  @Get('stats')
  @ApiOperation({ summary: 'Users in total, on Clerk, not yet, with a password, signed in through Clerk' })
  stats() {
    return this.migration.stats();
  }

  @Post('dry-run')
  @HttpCode(200)
  @ApiOperation({ summary: 'Plan the migration of every legacy user (or one); writes nothing to Clerk or users' })
  dryRun(@Body() body: MigrateRequestDto, @CurrentPrincipal() admin: Principal) {
    return this.migration.dryRun({ ...body, actor: admin.userId });
  }

  @Post('runs')
  @HttpCode(202)
  @ApiOperation({ summary: 'Start a run (one user with email, or everyone left); it goes on in the background' })
  @ApiAcceptedResponse({ type: StartedRunDto })
  @ApiConflictResponse({ description: 'Another run or rollback is in progress, or the user is already on Clerk' })
  async start(@Body() body: MigrateRequestDto, @CurrentPrincipal() admin: Principal): Promise<StartedRunDto> {
    const { run } = await this.migration.start({ ...body, actor: admin.userId });
    return { runId: run.id, status: run.status, progressUrl: `/migration/runs/${run.id}` };
  }

  @Get('runs')
  @ApiOperation({ summary: 'Past runs, newest first, with their counts' })
  async list(@Query() page: PageQueryDto) {
    const [runs, total] = await this.migration.listRuns(page.limit, page.offset);
    return { items: runs.map(MigrationRunDto.from), total, limit: page.limit, offset: page.offset };
  }

  @Get('runs/:id')
  @ApiOperation({ summary: 'One run: status and counts so far' })
  @ApiOkResponse({ type: MigrationRunDto })
  async get(@Param('id', new ParseUUIDPipe()) id: string): Promise<MigrationRunDto> {
    return MigrationRunDto.from(await this.migration.getRun(id));
  }

  @Get('runs/:id/problems')
  @ApiOperation({ summary: 'Users of a run that did not end on Clerk (failed, skipped, uncertain), with the reason' })
  problems(@Param('id', new ParseUUIDPipe()) id: string, @Query() page: PageQueryDto) {
    return this.migration.runProblems(id, page.limit);
  }

  @Post('runs/:id/rollback')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Undo a run: clear its links, revoke its invitations, optionally delete the Clerk accounts it created; needs confirm: true',
  })
  rollback(@Param('id', new ParseUUIDPipe()) id: string, @Body() body: RollbackRequestDto, @CurrentPrincipal() admin: Principal) {
    const { deleteClerkUsers, dryRun, confirm } = body;
    return this.migration.rollback({ runId: id, actor: admin.userId, deleteClerkUsers, dryRun, confirm });
  }

  @Post('cleanup-passwords')
  @HttpCode(200)
  @ApiOperation({ summary: 'Remove password hashes of users who have signed in through Clerk; needs confirm: true' })
  cleanup(@Body() body: CleanupRequestDto, @CurrentPrincipal() admin: Principal) {
    return this.migration.cleanupPasswords({ actor: admin.userId, confirm: body.confirm, dryRun: body.dryRun });
  }

  @Post('verify')
  @HttpCode(200)
  @ApiOperation({ summary: 'Check every linked user against Clerk and count the rows that depend on users' })
  verify() {
    return this.migration.verify();
  }

  @Post('resend-invites')
  @HttpCode(200)
  @ApiOperation({ summary: 'Retry the invitations that failed after their account was created' })
  resendInvites(@CurrentPrincipal() admin: Principal) {
    return this.migration.resendInvitations(admin.userId);
  }
}
