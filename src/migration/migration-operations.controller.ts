import { Body, Controller, HttpCode, Param, ParseUUIDPipe, Post, Res } from '@nestjs/common';
import { ApiAcceptedResponse, ApiOkResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { ApiAdmin, ApiErrors, ApiJsonBody } from '../common/api-errors.js';
import { CurrentPrincipal, RequireScopes, Roles } from '../common/auth.decorators.js';
import { actorOf, ADMIN_ROLE, MIGRATION_WRITE_SCOPE, type Principal } from '../common/principal.js';
import { CleanupReportDto, RollbackReportDto } from './migration-response.dto.js';
import { CleanupRequestDto, RollbackRequestDto } from './migration.dto.js';
import { MigrationService } from './migration.service.js';
import { startedOperationView } from '../operations/operation.js';
import { StartedOperationDto } from '../operations/operation.dto.js';
import type { StartedOperation } from './migration-operations.js';

const STARTED =
  'Started: the work goes on in the background; poll statusUrl (GET /migration/operations/{id}) for done/total and the report';

/**
 * Rollback and clean-up: a preview answers 200 with its report; the real thing answers 202 once its
 * checks pass, and is followed through its operation (`GET /migration/operations/:id`, the
 * operations module's), which any instance can read.
 */
@ApiTags('migration')
@ApiAdmin()
@Roles(ADMIN_ROLE)
@Controller('migration')
export class MigrationOperationsController {
  constructor(private readonly migration: MigrationService) {}

  @Post('runs/:id/rollback')
  @RequireScopes(MIGRATION_WRITE_SCOPE)
  @HttpCode(200)
  @ApiOperation({
    summary:
      'Undo a run: clear its links, revoke its invitations, optionally delete the Clerk accounts it created; needs confirm: true unless dryRun',
  })
  @ApiOkResponse({ type: RollbackReportDto, description: 'The preview (dryRun: true): what the rollback would do; nothing changed' })
  @ApiAcceptedResponse({ type: StartedOperationDto, description: STARTED })
  @ApiParam({ name: 'id', format: 'uuid', description: 'A run id, as listed by GET /migration/runs' })
  @ApiJsonBody()
  @ApiErrors(
    [404, 'No run with this id (run_not_found)'],
    [409, 'A run, rollback or clean-up holds the migration lock (run_in_progress), or the run has uncertain users (not_rollbackable)'],
    502,
    503,
  )
  async rollback(
    @Param('id', new ParseUUIDPipe()) id: string,
    @Body() body: RollbackRequestDto,
    @CurrentPrincipal() admin: Principal,
    @Res({ passthrough: true }) response: Response,
  ) {
    const { deleteClerkUsers, dryRun, confirm } = body;
    return answer(await this.migration.startRollback({ runId: id, actor: actorOf(admin), deleteClerkUsers, dryRun, confirm }), response);
  }

  @Post('cleanup-passwords')
  @RequireScopes(MIGRATION_WRITE_SCOPE)
  @HttpCode(200)
  @ApiOperation({ summary: 'Remove password hashes of users who have signed in through Clerk; needs confirm: true unless dryRun' })
  @ApiOkResponse({ type: CleanupReportDto, description: 'The preview (dryRun: true): how many hashes would go; nothing changed' })
  @ApiAcceptedResponse({ type: StartedOperationDto, description: STARTED })
  @ApiJsonBody()
  @ApiErrors([409, 'A run, rollback or clean-up holds the migration lock (run_in_progress)'])
  async cleanupPasswords(
    @Body() body: CleanupRequestDto,
    @CurrentPrincipal() admin: Principal,
    @Res({ passthrough: true }) response: Response,
  ) {
    return answer(await this.migration.startCleanup({ actor: actorOf(admin), confirm: body.confirm, dryRun: body.dryRun }), response);
  }
}

/** A preview's report as it is (200); a started operation as 202 and where to follow it. */
async function answer<Report>(started: StartedOperation<Report>, response: Response): Promise<Report | StartedOperationDto> {
  if (!started.operation) return started.finished;
  response.status(202);
  return startedOperationView(started.operation);
}
