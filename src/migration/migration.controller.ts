import { Body, Controller, Get, HttpCode, Param, ParseUUIDPipe, Post, Query, Res } from '@nestjs/common';
import { ApiAcceptedResponse, ApiOkResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { ApiAdmin, ApiErrors, ApiJsonBody } from '../common/api-errors.js';
import { CurrentPrincipal, RequireScopes, Roles } from '../common/auth.decorators.js';
import { actorOf, ADMIN_ROLE, MIGRATION_WRITE_SCOPE, type Principal } from '../common/principal.js';
import {
  ItemsPageQueryDto,
  MigrateRequestDto,
  MigrationRunDto,
  NothingToMigrateDto,
  PageQueryDto,
  StartedRunDto,
} from './migration.dto.js';
import {
  DryRunReportDto,
  MigrationRunPageDto,
  MigrationStatsDto,
  RunItemsPageDto,
  RunProblemDto,
  VerifyReportDto,
} from './migration-response.dto.js';
import { InvitationQueueDto, ResendReportDto } from '../invitations/invitation-queue.dto.js';
import { MigrationService } from './migration.service.js';
import { isNothingToMigrate } from './migration.error.js';

const BAD_RUN_ID: [number, string] = [400, 'The id is not a UUID (validation_failed), or a query parameter is out of range'];
const NO_RUN: [number, string] = [404, 'No run with this id (run_not_found)'];
/** The `:id` of the run routes. */
const RunIdParam = () => ApiParam({ name: 'id', format: 'uuid', description: 'A run id, as listed by GET /migration/runs' });
const NO_USER: [number, string] = [404, 'No user with this email (user_not_found)'];

@ApiTags('migration')
@ApiAdmin()
@Roles(ADMIN_ROLE)
@Controller('migration')
export class MigrationController {
  constructor(private readonly migration: MigrationService) {}

  @Get('stats')
  @ApiOperation({ summary: 'Users in total, on Clerk, not yet, with a password, signed in through Clerk' })
  @ApiOkResponse({ type: MigrationStatsDto })
  getStats() {
    return this.migration.stats();
  }

  @Post('dry-run')
  @HttpCode(200)
  @ApiOperation({ summary: 'Plan the migration of every legacy user (or one); writes nothing to Clerk or users' })
  @ApiOkResponse({ type: DryRunReportDto })
  @ApiJsonBody()
  @ApiErrors(NO_USER, [409, 'The user is already on Clerk (already_on_clerk)'], 502, 503)
  dryRun(@Body() body: MigrateRequestDto, @CurrentPrincipal() admin: Principal) {
    return this.migration.dryRun({ ...body, actor: actorOf(admin) });
  }

  @Post('runs')
  @RequireScopes(MIGRATION_WRITE_SCOPE)
  @HttpCode(202)
  @ApiOperation({ summary: 'Start a run (one user with email, or everyone left); it goes on in the background' })
  @ApiAcceptedResponse({ type: StartedRunDto })
  @ApiOkResponse({ type: NothingToMigrateDto, description: 'Nobody is left to migrate: nothing was done and no run was recorded' })
  @ApiJsonBody()
  @ApiErrors(NO_USER, [409, 'Another run or rollback is in progress (run_in_progress), or the user is already on Clerk (already_on_clerk)'])
  async startRun(
    @Body() body: MigrateRequestDto,
    @CurrentPrincipal() admin: Principal,
    @Res({ passthrough: true }) response: Response,
  ): Promise<StartedRunDto | NothingToMigrateDto> {
    try {
      const { run } = await this.migration.start({ ...body, actor: actorOf(admin) });
      return { runId: run.id, status: run.status, progressUrl: `/migration/runs/${run.id}` };
    } catch (error) {
      if (!isNothingToMigrate(error)) throw error;
      response.status(200);
      const message = (error as Error).message;
      return { runId: null, status: 'nothing_to_migrate', progressUrl: null, total: 0, message };
    }
  }

  @Get('runs')
  @ApiOperation({ summary: 'Past runs, newest first, with their counts' })
  @ApiOkResponse({ type: MigrationRunPageDto })
  @ApiErrors([400, 'limit or offset out of range (validation_failed)'])
  async listRuns(@Query() page: PageQueryDto) {
    const [runs, total] = await this.migration.listRuns(page.limit, page.offset);
    return { items: runs.map(MigrationRunDto.from), total, limit: page.limit, offset: page.offset };
  }

  @Get('runs/:id')
  @ApiOperation({ summary: 'One run: status and counts so far' })
  @ApiOkResponse({ type: MigrationRunDto })
  @RunIdParam()
  @ApiErrors(BAD_RUN_ID, NO_RUN)
  async getRun(@Param('id', new ParseUUIDPipe()) id: string): Promise<MigrationRunDto> {
    return MigrationRunDto.from(await this.migration.getRun(id));
  }

  @Get('runs/:id/invitations')
  @ApiOperation({ summary: "A run's invitations in the outbox (queued, sent, failed, revoked) and when the last will be sent" })
  @ApiOkResponse({ type: InvitationQueueDto })
  @RunIdParam()
  @ApiErrors(BAD_RUN_ID, NO_RUN)
  getRunInvitations(@Param('id', new ParseUUIDPipe()) id: string) {
    return this.migration.runInvitations(id);
  }

  @Get('invitations')
  @ApiOperation({ summary: 'The invitation outbox: queued, sent, failed, revoked, the pace, and when the queue will be empty' })
  @ApiOkResponse({ type: InvitationQueueDto })
  getInvitations() {
    return this.migration.invitationQueue();
  }

  @Get('runs/:id/problems')
  @ApiOperation({ summary: 'Users of a run that did not end on Clerk (failed, skipped, uncertain), with the reason; by limit/offset' })
  @ApiOkResponse({ type: [RunProblemDto] })
  @RunIdParam()
  @ApiErrors(BAD_RUN_ID, NO_RUN)
  listRunProblems(@Param('id', new ParseUUIDPipe()) id: string, @Query() page: PageQueryDto) {
    return this.migration.runProblems(id, page.limit, page.offset);
  }

  @Get('runs/:id/items')
  @ApiOperation({
    summary:
      'Every user of a run, in plan order: action, outcome, reason, Clerk id and times; paged by limit/offset, narrowed by outcome and reason',
  })
  @ApiOkResponse({ type: RunItemsPageDto })
  @RunIdParam()
  @ApiErrors(BAD_RUN_ID, NO_RUN)
  listRunItems(@Param('id', new ParseUUIDPipe()) id: string, @Query() page: ItemsPageQueryDto) {
    return this.migration.runItems(id, page.limit, page.offset, { outcome: page.outcome, reason: page.reason });
  }

  @Post('verify')
  @HttpCode(200)
  @ApiOperation({ summary: 'Check every linked user against Clerk and count the rows that depend on users' })
  @ApiOkResponse({ type: VerifyReportDto })
  @ApiErrors(502, 503)
  verify() {
    return this.migration.verify();
  }

  @Post('resend-invites')
  @RequireScopes(MIGRATION_WRITE_SCOPE)
  @HttpCode(200)
  @ApiOperation({ summary: 'Queue again the invitations that failed; the fleet’s sender sends them at the pace' })
  @ApiOkResponse({ type: ResendReportDto })
  @ApiErrors(503)
  resendInvites(@CurrentPrincipal() admin: Principal) {
    return this.migration.resendInvitations(actorOf(admin));
  }
}
