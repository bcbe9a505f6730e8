import { Module } from '@nestjs/common';
import { OperationsRepository } from './operations.repository.js';
import { OperationsService } from './operations.service.js';

/** The record of rollbacks and clean-ups (`migration_operations`): their progress, outcome and liveness, without HTTP so the CLI can load it. */
@Module({
  providers: [OperationsService, OperationsRepository],
  exports: [OperationsService],
})
export class OperationsModule {}
