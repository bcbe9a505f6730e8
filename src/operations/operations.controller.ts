import { Controller, Get, Param, ParseUUIDPipe } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import { ApiAdmin, ApiErrors } from '../common/api-errors.js';
import { Roles } from '../common/auth.decorators.js';
import { ADMIN_ROLE } from '../common/principal.js';
import { MigrationOperationDto } from './operation.dto.js';
import { OperationsService } from './operations.service.js';

/** Where a rollback or clean-up that answered 202 is followed (its `statusUrl`), from any instance. */
@ApiTags('migration')
@ApiAdmin()
@Roles(ADMIN_ROLE)
@Controller('migration')
export class OperationsController {
  constructor(private readonly operations: OperationsService) {}

  @Get('operations/:id')
  @ApiOperation({
    summary: 'A rollback or clean-up: running (done of total), completed with its report, failed, or interrupted',
    // The id it had when the route sat beside the rollback and clean-up routes: clients generated from the document keep it.
    operationId: 'migrationoperations_getOperation',
  })
  @ApiOkResponse({ type: MigrationOperationDto })
  @ApiParam({ name: 'id', format: 'uuid', description: 'The operationId a rollback or clean-up answered' })
  @ApiErrors([400, 'The id is not a UUID (validation_failed)'], [404, 'No rollback or clean-up with this id (operation_not_found)'])
  getOperation(@Param('id', new ParseUUIDPipe()) id: string): Promise<MigrationOperationDto> {
    return this.operations.get(id);
  }
}
